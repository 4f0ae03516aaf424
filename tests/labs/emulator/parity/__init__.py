"""Helpers for the parity tests: stacks created the way the CDK CLI creates them.

The tests mirror labs/emulator/parity, one module per AWS service; each drives the kit's emulator
(the `session` fixture of tests/labs/emulator/conftest.py) through boto3.
"""

from __future__ import annotations

import io
import json
import textwrap
import uuid
import zipfile
from typing import Any

import boto3


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def deploy(session: boto3.Session, resources: dict[str, Any], outputs: dict[str, Any] | None = None) -> str:
    """Create a stack the way the CDK CLI does (a change set); returns its id, which outlives the delete."""
    cloudformation = session.client("cloudformation")
    name = unique("parity")
    template = {"Resources": resources, **({"Outputs": outputs} if outputs else {})}
    stack_id = cloudformation.create_change_set(
        StackName=name, ChangeSetName="deploy", ChangeSetType="CREATE", TemplateBody=json.dumps(template)
    )["StackId"]
    cloudformation.execute_change_set(StackName=name, ChangeSetName="deploy")
    return str(stack_id)


def status(session: boto3.Session, stack: str) -> str:
    stacks = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    return str(stacks[0]["StackStatus"])


def function_zip(files: dict[str, str]) -> bytes:
    """A deployment package holding these source files (dedented)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(name, textwrap.dedent(text))
    return buffer.getvalue()


def python_function(
    session: boto3.Session,
    source: str,
    *,
    timeout: int = 10,
    memory: int = 128,
    environment: dict[str, str] | None = None,
    log_group: str | None = None,
) -> str:
    """A Python 3.13 function whose handler is `app.handler` in `source`; returns its name."""
    role = session.client("iam").create_role(RoleName=unique("fn"), AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    name = unique("fn")
    options: dict[str, Any] = (
        {"LoggingConfig": {"LogGroup": log_group, "LogFormat": "Text"}} if log_group else {}
    )
    session.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": function_zip({"app.py": source})},
        Timeout=timeout,
        MemorySize=memory,
        Environment={"Variables": environment or {}},
        **options,
    )
    return name


def log_lines(session: boto3.Session, group: str) -> list[str]:
    events = session.client("logs").filter_log_events(logGroupName=group)["events"]
    return [event["message"] for event in events]
