"""Leftovers named after a lab stack that is gone (types the emulator leaves untagged); expiry schedules.

Which types are listed by name, and where a stack's name sits in their names, is their catalogue entries'
`leftovers.names` and `name_prefixes` (labs/catalogue/).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from labs.catalogue import entries
from labs.catalogue.entry import ResourceType
from labs.catalogue.scheduler import SCHEDULE
from labs.leftovers.model import Findings, LiveStacks, Scope

if TYPE_CHECKING:
    import boto3


def scan_named(session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings) -> None:
    """Resources named after a lab stack that no longer exists (for types the emulator leaves untagged)."""
    for found in named_types():
        assert found.leftovers.names is not None  # named_types() holds only entries with a lister
        for name in found.leftovers.names(session):
            stack = named_stack(scope, found, name)
            # /aws/lambda/<function> belongs to the function: kept while a live stack holds the function
            owner_name = _without_prefix(found, name)
            if stack is None or live.owns(name) or live.owns(owner_name) or findings.has(name):
                continue
            findings.add(
                found.cfn_type, name, f"named after stack {stack}, which does not exist in this region"
            )
    scan_schedules(session, scope, live, findings)


def named_types() -> list[ResourceType]:
    """The catalogue's entries leftovers lists by name (CloudFormation names them after their stack)."""
    return [found for found in entries().values() if found.leftovers.names is not None]


def _without_prefix(found: ResourceType, name: str) -> str:
    for prefix in found.leftovers.name_prefixes:
        if prefix and name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def named_stack(scope: Scope, found: ResourceType, name: str) -> str | None:
    """The kit stack a resource's name says it belongs to, or None."""
    for prefix in found.leftovers.name_prefixes:
        if name.startswith(prefix) and (
            stack := scope.named_stack(name.removeprefix(prefix), lower=found.leftovers.lower_case_names)
        ):
            return stack
    return None


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
                findings.add(SCHEDULE.cfn_type, name, f"expiry schedule of stack {stack}, which is gone")


def deleted_stack_of(scheduler: Any, name: str, group: str) -> str:
    """The stack name a DeleteStack schedule targets (its input holds the stack's id or name)."""
    target = scheduler.get_schedule(Name=name, GroupName=group).get("Target", {})
    try:
        stack = json.loads(target.get("Input", "{}")).get("StackName", "")
    except ValueError:
        return ""
    # a stack id is arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>
    return str(stack).split(":stack/")[-1].split("/")[0]
