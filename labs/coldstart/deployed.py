"""LabColdStart as deployed: its functions, invoking them, and what their log groups say.

Shared by `labkit check LabColdStart` and `labkit coldstart`. Imports boto3's error type only, never the CDK.
"""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from labs.checks.waiting import Waiter
from labs.coldstart.logs import InvocationRecord, invocations, parse_report, unhandled_error
from labs.coldstart.spec import ALIAS, FUNCTIONS, FunctionRole
from labs.constructs.function_facts import FUNCTION_ID
from labs.deployed.session import error_code
from labs.deployed.stack import DeployedStack
from labs.function_labs.steps import CLOCK_SKEW_MS, MAX_LOG_PAGES, log_group_of

FUNCTION_TYPE = "AWS::Lambda::Function"
# how far back the check reads the functions' logs: a lab's whole afternoon
LOG_WINDOW_MS = 12 * 3600 * 1000
# a frame of Lambda's stackTrace: `  File "/var/task/handler.py", line 31, in handler\n    raise ...`
_FRAME = re.compile(r'File "([^"]+)", line (\d+)')
# where the runtime, its libraries and the layers live (AWS: /var/runtime, /var/lang, /opt; the emulator:
# runtime/ and layers/ of its folder), so a frame there is not the function's own code
_NOT_FUNCTION_CODE = ("/var/runtime/", "/var/lang/", "/opt/", "site-packages", "/runtime/", "/layers/")
# what a forced cold start appends to the function's description (Lambda allows 256 characters)
FORCED_MARK = " · cold start forced "
MAX_DESCRIPTION = 256


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
    """One invocation the kit made: its request id, how it failed ("" if it did not), the REPORT its log tail
    ended with."""

    request_id: str
    error: str
    report: dict[str, Any] | None


def invoke(lambda_client: Any, name: str, *, qualifier: str | None = None) -> Invoked:
    """Invoke synchronously with an empty event; reads the invocation's REPORT from the log tail and, when
    the function failed, its error from the answer (type, message and the line it came from)."""
    arguments: dict[str, Any] = {"FunctionName": name, "LogType": "Tail", "Payload": b"{}"}
    if qualifier:
        arguments["Qualifier"] = qualifier
    answer = lambda_client.invoke(**arguments)
    payload = answer["Payload"].read()
    tail = base64.b64decode(answer.get("LogResult", "") or b"").decode("utf-8", errors="replace")
    reports = [parse_report(line) for line in tail.splitlines()]
    report = next((r for r in reversed(reports) if r), None)
    # the invocation's own id, as its log lines carry it (AWS answers with the same id in the response)
    request_id = str(report["request_id"]) if report else ""
    request_id = request_id or str(answer.get("ResponseMetadata", {}).get("RequestId", ""))
    function_error = str(answer.get("FunctionError", ""))
    error = describe_error(payload, function_error) if function_error else ""
    return Invoked(request_id, error, report)


def describe_error(payload: bytes, function_error: str) -> str:
    """`ValueError: boom (handler.py line 31)` or `timed out after 10 s`, from a failed invocation's answer
    (Lambda's `{"errorType", "errorMessage", "stackTrace"}`); the FunctionError itself when unreadable."""
    try:
        answer = json.loads(payload or b"{}")
    except ValueError:
        return function_error
    if not isinstance(answer, dict):
        return function_error
    message = str(answer.get("errorMessage", "")).strip()
    kind = str(answer.get("errorType", "")).strip()
    timed_out = unhandled_error(message) if "Task timed out" in message else None
    if timed_out or kind == "Sandbox.Timedout":
        return timed_out or "timed out"
    where = origin(answer.get("stackTrace"))
    described = ": ".join(part for part in (kind, message) if part) or function_error
    return described + (f" ({where})" if where else "")


def origin(stack_trace: Any) -> str:
    """`handler.py line 31`: the innermost frame of the function's own code in Lambda's stack trace."""
    frames = [str(frame) for frame in stack_trace] if isinstance(stack_trace, list) else []
    matches = [match for frame in frames if (match := _FRAME.search(frame))]
    places = [m for m in matches if not any(part in m.group(1) for part in _NOT_FUNCTION_CODE)] or matches
    return f"{Path(places[-1].group(1)).name} line {places[-1].group(2)}" if places else ""


def force_cold_start(lambda_client: Any, function: DeployedFunction, waiter: Waiter) -> None:
    """What the lab's ForceColdStartCommand does: a configuration change (the description), after which the
    next invocation starts a new execution environment; waits until Lambda has applied it."""
    base = str(function.configuration.get("Description", "")).split(FORCED_MARK)[0].rstrip()
    description = f"{base}{FORCED_MARK}{time.time_ns()}"[:MAX_DESCRIPTION]
    lambda_client.update_function_configuration(FunctionName=function.name, Description=description)

    def applied() -> tuple[bool | None, str]:
        state = lambda_client.get_function_configuration(FunctionName=function.name)
        status = str(state.get("LastUpdateStatus", "Successful"))
        return (True if status != "InProgress" else None), f"{function.role.label}: {status}"

    waiter.until(applied, what=f"forcing a cold start of {function.role.label}")


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
