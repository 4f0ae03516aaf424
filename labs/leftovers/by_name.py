"""Leftovers named after a lab stack that is gone (types the emulator leaves untagged); expiry schedules."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from labs.leftovers.model import Findings, LiveStacks, Scope, tail

if TYPE_CHECKING:
    import boto3

LOG_GROUP_PREFIXES = ("/aws/lambda/", "/aws/vendedlogs/states/", "")
LAMBDA_LOG_PREFIX = re.compile(r"^/aws/(lambda|vendedlogs/states)/")


def scan_named(session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings) -> None:
    """Resources named after a lab stack that no longer exists (for types the emulator leaves untagged)."""
    for resource_type, names in named_resources(session):
        for name in names:
            stack = named_stack(scope, resource_type, name)
            # /aws/lambda/<function> belongs to the function: kept while a live stack holds the function
            owner_name = LAMBDA_LOG_PREFIX.sub("", name) if resource_type == "AWS::Logs::LogGroup" else name
            if stack is None or live.owns(name) or live.owns(owner_name) or findings.has(name):
                continue
            findings.add(
                resource_type, name, f"named after stack {stack}, which does not exist in this region"
            )
    scan_schedules(session, scope, live, findings)


def named_stack(scope: Scope, resource_type: str, name: str) -> str | None:
    """The kit stack a resource's name says it belongs to, or None."""
    if resource_type == "AWS::Logs::LogGroup":
        for prefix in LOG_GROUP_PREFIXES:
            if name.startswith(prefix) and (stack := scope.named_stack(name.removeprefix(prefix))):
                return stack
        return None
    return scope.named_stack(name, lower=resource_type == "AWS::S3::Bucket")


def named_resources(session: boto3.Session) -> list[tuple[str, list[str]]]:
    """(type, names) of every kind of resource CloudFormation names after its stack."""
    logs = session.client("logs")
    lambda_client = session.client("lambda")
    iam: Any = session.client("iam")
    dynamodb = session.client("dynamodb")
    sfn = session.client("stepfunctions")
    autoscaling = session.client("autoscaling")
    return [
        ("AWS::Logs::LogGroup", _paged(logs, "describe_log_groups", "logGroups", "logGroupName")),
        ("AWS::Lambda::Function", _paged(lambda_client, "list_functions", "Functions", "FunctionName")),
        ("AWS::IAM::Role", _paged(iam, "list_roles", "Roles", "RoleName")),
        (
            "AWS::IAM::InstanceProfile",
            _paged(iam, "list_instance_profiles", "InstanceProfiles", "InstanceProfileName"),
        ),
        (
            "AWS::DynamoDB::Table",
            [n for p in dynamodb.get_paginator("list_tables").paginate() for n in p["TableNames"]],
        ),
        ("AWS::StepFunctions::StateMachine", _paged(sfn, "list_state_machines", "stateMachines", "name")),
        (
            "AWS::AutoScaling::AutoScalingGroup",
            _paged(autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups", "AutoScalingGroupName"),
        ),
        ("AWS::SQS::Queue", [tail(url) for url in session.client("sqs").list_queues().get("QueueUrls", [])]),
        ("AWS::S3::Bucket", [b["Name"] for b in session.client("s3").list_buckets().get("Buckets", [])]),
    ]


def _paged(client: Any, operation: str, key: str, name_key: str) -> list[str]:
    return [
        item[name_key] for page in client.get_paginator(operation).paginate() for item in page.get(key, [])
    ]


def scan_schedules(session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings) -> None:
    """Expiry schedules whose stack is gone: named after it, or targeting DeleteStack on it."""
    scheduler = session.client("scheduler")
    for page in scheduler.get_paginator("list_schedules").paginate():
        for summary in page.get("Schedules", []):
            name = summary.get("Name", "")
            if live.owns(name) or live.owns(summary.get("Arn", "")):
                continue
            stack = scope.named_stack(name)
            if stack is None and summary.get("Target", {}).get("Arn", "").endswith(
                ":cloudformation:deleteStack"
            ):
                target = deleted_stack_of(scheduler, name, summary.get("GroupName", "default"))
                stack = target if scope.stack_lab(target) else None
            if stack is not None and stack not in live.names:
                findings.add(
                    "AWS::Scheduler::Schedule", name, f"expiry schedule of stack {stack}, which is gone"
                )


def deleted_stack_of(scheduler: Any, name: str, group: str) -> str:
    """The stack name a DeleteStack schedule targets (its input holds the stack's id or name)."""
    target = scheduler.get_schedule(Name=name, GroupName=group).get("Target", {})
    try:
        stack = json.loads(target.get("Input", "{}")).get("StackName", "")
    except ValueError:
        return ""
    # a stack id is arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>
    return str(stack).split(":stack/")[-1].split("/")[0]
