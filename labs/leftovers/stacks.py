"""Lab stacks still present are leftovers themselves; every live stack's resources are not."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labs.catalogue.autoscaling import AUTO_SCALING_GROUP
from labs.catalogue.cloudformation import STACK
from labs.catalogue.vpc import VPC
from labs.deployed.expiry import overdue_summary, read_tagged_expiry
from labs.deployed.stack import DeployedStack, StackResource, failure_reason, list_resources
from labs.deployed.stuck import way_out_hint
from labs.leftovers.existing import still_exists
from labs.leftovers.model import Findings, LiveStacks, Scope, tail
from labs.registry import lab_ids
from labs.shared_facts import cdk_command

if TYPE_CHECKING:
    import boto3

# every status but DELETE_COMPLETE: a stack in any of them still exists
LIVE_STATUSES: list[Any] = [
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "CREATE_COMPLETE",
    "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_FAILED",
    "ROLLBACK_COMPLETE",
    "DELETE_IN_PROGRESS",
    "DELETE_FAILED",
    "UPDATE_IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_COMPLETE",
    "UPDATE_FAILED",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE",
    "REVIEW_IN_PROGRESS",
    "IMPORT_IN_PROGRESS",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_IN_PROGRESS",
    "IMPORT_ROLLBACK_FAILED",
    "IMPORT_ROLLBACK_COMPLETE",
]


def scan_stacks(
    session: boto3.Session, scope: Scope, findings: Findings, *, every_stack: bool, now: datetime
) -> LiveStacks:
    """Stacks of the scope still present are leftovers (overdue ones say why); every lab stack's
    resources are live."""
    cloudformation = session.client("cloudformation")
    any_lab = Scope(labs=lab_ids(), owner=None)
    live = LiveStacks()
    pages = cloudformation.get_paginator("list_stacks").paginate(StackStatusFilter=LIVE_STATUSES)
    for summary in (s for page in pages for s in page["StackSummaries"]):
        name, status = summary["StackName"], summary["StackStatus"]
        live.names.add(name)
        lab = scope.stack_lab(name)
        if not (every_stack or any_lab.stack_lab(name)):
            continue
        resources = [r for r in list_resources(session, name) if r.status != "DELETE_COMPLETE"]
        for resource in resources:
            if resource.physical_id:
                live.tails.add(tail(resource.physical_id))
            if resource.resource_type == VPC.cfn_type:
                live.vpcs.add(resource.physical_id)
            if resource.resource_type == AUTO_SCALING_GROUP.cfn_type:
                live.groups.add(resource.physical_id)
        if lab is None:
            continue
        destroy = cdk_command("destroy", lab, name)
        overdue = overdue_reason(session, summary, resources, now)
        reason = failure_reason(session, name) if status.endswith("FAILED") else ""
        reason = reason or summary.get("StackStatusReason", "")
        if overdue:
            then = f"fix the reason, then {destroy}" if status == "DELETE_FAILED" else destroy
            then = way_out_hint(session, name, lab)[2:] or then
            findings.add(STACK.cfn_type, name, f"{overdue}; {then}")
        elif status == "DELETE_FAILED":
            way_out = way_out_hint(session, name, lab)
            findings.add(STACK.cfn_type, name, f"DELETE_FAILED: {reason or 'see its events'}{way_out}")
        else:
            findings.add(STACK.cfn_type, name, f"still deployed ({status}): {destroy}")
        if status == "DELETE_FAILED":
            add_undeleted(session, name, resources, findings)
    return live


def add_undeleted(
    session: boto3.Session, name: str, resources: list[StackResource], findings: Findings
) -> None:
    """The resources a DELETE_FAILED stack still lists and AWS still has (not those deleted by hand)."""
    for resource in resources:
        if still_exists(session, resource.resource_type, resource.physical_id):
            findings.add(
                resource.resource_type or "?",
                resource.physical_id or resource.logical_id,
                f"still in stack {name}, which failed to delete it (resource status {resource.status})",
            )


def overdue_reason(
    session: boto3.Session, summary: Mapping[str, Any], resources: list[StackResource], now: datetime
) -> str:
    """`overdue: ...` for a lab stack still here after its expiry time (its deletion failed or never ran)."""
    described = session.client("cloudformation").describe_stacks(StackName=summary["StackId"])["Stacks"][0]
    stack = DeployedStack(
        name=summary["StackName"],
        stack_id=summary["StackId"],
        status=summary["StackStatus"],
        tags={tag["Key"]: tag["Value"] for tag in described.get("Tags", [])},
        resources=tuple(resources),
        status_reason=summary.get("StackStatusReason", ""),
    )
    expiry = read_tagged_expiry(session, stack)
    return overdue_summary(session, stack, expiry, now) if expiry.overdue(now) else ""
