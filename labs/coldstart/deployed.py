"""LabColdStart as deployed: its functions, invoking them, and what their log groups say.

Shared by `labkit check LabColdStart` and `labkit coldstart`. Imports boto3's error type only, never the CDK.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from labs.coldstart.logs import InvocationRecord, invocations, parse_report
from labs.coldstart.spec import ALIAS, FUNCTIONS, FunctionRole
from labs.constructs.function_facts import FUNCTION_ID
from labs.deployed.session import error_code
from labs.deployed.stack import DeployedStack
from labs.function_labs.steps import CLOCK_SKEW_MS, MAX_LOG_PAGES, log_group_of

FUNCTION_TYPE = "AWS::Lambda::Function"
# how far back the check reads the functions' logs: a lab's whole afternoon
LOG_WINDOW_MS = 12 * 3600 * 1000


@dataclass
class DeployedFunction:
    """One of the lab's functions: its role in the lab, name, configuration and invocations seen."""

    role: FunctionRole
    name: str
    configuration: dict[str, Any]
    records: list[InvocationRecord] = field(default_factory=list)

    @property
    def log_group(self) -> str:
        return log_group_of(self.configuration)


def lab_functions(lambda_client: Any, stack: DeployedStack) -> tuple[list[DeployedFunction], list[str]]:
    """(the functions found, the roles missing): each by its logical id's prefix (`Heavy128Function`)."""
    found: list[DeployedFunction] = []
    missing: list[str] = []
    for role in FUNCTIONS:
        name = stack.physical_id(FUNCTION_TYPE, logical_prefix=f"{role.construct_id}{FUNCTION_ID}")
        if not name:
            missing.append(role.label)
            continue
        configuration = lambda_client.get_function_configuration(FunctionName=name)
        found.append(DeployedFunction(role=role, name=name, configuration=configuration))
    return found, missing


@dataclass(frozen=True)
class Invoked:
    """One invocation the kit made: its request id, error and the REPORT its log tail ended with."""

    request_id: str
    error: str
    report: dict[str, Any] | None


def invoke(lambda_client: Any, name: str, *, qualifier: str | None = None) -> Invoked:
    """Invoke synchronously with an empty event; reads the invocation's REPORT from the log tail."""
    arguments: dict[str, Any] = {"FunctionName": name, "LogType": "Tail", "Payload": b"{}"}
    if qualifier:
        arguments["Qualifier"] = qualifier
    answer = lambda_client.invoke(**arguments)
    answer["Payload"].read()
    tail = base64.b64decode(answer.get("LogResult", "") or b"").decode("utf-8", errors="replace")
    reports = [parse_report(line) for line in tail.splitlines()]
    report = next((r for r in reversed(reports) if r), None)
    request_id = str(answer.get("ResponseMetadata", {}).get("RequestId", ""))
    return Invoked(request_id, str(answer.get("FunctionError", "")), report)


def read_records(logs: Any, group: str, *, now_ms: int | None = None) -> list[InvocationRecord]:
    """Every invocation the group's log shows in the last hours (REPORT lines, with cold_start)."""
    now_ms = now_ms or int(time.time() * 1000)
    arguments: dict[str, Any] = {"logGroupName": group, "startTime": now_ms - LOG_WINDOW_MS - CLOCK_SKEW_MS}
    events: list[dict[str, Any]] = []
    for _ in range(MAX_LOG_PAGES):
        try:
            page = logs.filter_log_events(**arguments)
        except ClientError as failure:
            if error_code(failure) == "ResourceNotFoundException":
                return []
            raise
        events += page.get("events", [])
        token = page.get("nextToken")
        if not token:
            break
        arguments["nextToken"] = token
    return invocations(events)


def provisioned_status(lambda_client: Any, name: str) -> dict[str, Any] | None:
    """Alias live's provisioned concurrency configuration, or None when it has none."""
    try:
        config: dict[str, Any] = lambda_client.get_provisioned_concurrency_config(
            FunctionName=name, Qualifier=ALIAS
        )
    except ClientError as failure:
        if error_code(failure) == "ProvisionedConcurrencyConfigNotFoundException":
            return None
        raise
    return config
