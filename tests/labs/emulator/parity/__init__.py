"""Helpers for the parity tests: stacks created the way the CDK CLI creates them.

The tests mirror labs/emulator/parity, one module per AWS service; each drives the kit's emulator
(the `session` fixture of tests/labs/emulator/conftest.py) through boto3.
"""

from __future__ import annotations

import json
import uuid
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
