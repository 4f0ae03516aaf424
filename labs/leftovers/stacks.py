"""Lab stacks still present are leftovers themselves; every live stack's resources are not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labs.contract import LAB_IDS
from labs.deployed.stack import list_resources
from labs.leftovers.model import Findings, LiveStacks, Scope, tail

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


def scan_stacks(session: boto3.Session, scope: Scope, findings: Findings, *, every_stack: bool) -> LiveStacks:
    """Stacks of the scope still present are leftovers; every lab stack's resources are live."""
    cloudformation = session.client("cloudformation")
    any_lab = Scope(labs=LAB_IDS, owner=None)
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
            if resource.resource_type == "AWS::EC2::VPC":
                live.vpcs.add(resource.physical_id)
            if resource.resource_type == "AWS::AutoScaling::AutoScalingGroup":
                live.groups.add(resource.physical_id)
        if lab is None:
            continue
        reason = summary.get("StackStatusReason", "")
        if status == "DELETE_FAILED":
            findings.add("AWS::CloudFormation::Stack", name, f"DELETE_FAILED: {reason or 'see its events'}")
            for resource in resources:
                findings.add(
                    resource.resource_type or "?",
                    resource.physical_id or resource.logical_id,
                    f"still in stack {name}, which failed to delete it (resource status {resource.status})",
                )
        else:
            findings.add("AWS::CloudFormation::Stack", name, f"still deployed ({status}): cdk destroy {lab}")
    return live
