"""A deployed lab stack as CloudFormation describes it: status, tags, physical resources by type.

Checks never rely on stack outputs: every physical id comes from ListStackResources, so a check reads
the same stack whether the learner's outputs were lost or renamed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.catalogue.cloudformation import STACK
from labs.shared_facts import LAB_TAG_KEYS

if TYPE_CHECKING:
    import boto3

# stable states in which the stack's resources exist (a rolled-back update keeps the previous ones)
HEALTHY_STATUSES = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"})


@dataclass(frozen=True)
class StackResource:
    """One resource of a deployed stack."""

    logical_id: str
    resource_type: str
    physical_id: str
    status: str


@dataclass(frozen=True)
class DeployedStack:
    """One stack: what CloudFormation says it holds, read once per check."""

    name: str
    stack_id: str
    status: str
    tags: Mapping[str, str]
    resources: tuple[StackResource, ...] = ()
    status_reason: str = ""

    @property
    def healthy(self) -> bool:
        return self.status in HEALTHY_STATUSES

    def of_type(self, resource_type: str) -> list[StackResource]:
        """Resources of one CloudFormation type that have a physical id (moto leaves some without)."""
        return [r for r in self.resources if r.resource_type == resource_type and r.physical_id]

    def physical_id(self, resource_type: str, *, logical_prefix: str = "") -> str | None:
        """The physical id of the first resource of this type (whose logical id starts with the prefix)."""
        for resource in self.of_type(resource_type):
            if resource.logical_id.startswith(logical_prefix):
                return resource.physical_id
        return None

    def declares(self, resource_type: str) -> bool:
        """True when the stack lists a resource of this type, with or without a physical id."""
        return any(r.resource_type == resource_type for r in self.resources)


def load_stack(session: boto3.Session, stack_name: str) -> DeployedStack | None:
    """The stack by name, or None when no such stack exists (deleted stacks do not count)."""
    cloudformation = session.client("cloudformation")
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    if not stacks or stacks[0]["StackStatus"] == "DELETE_COMPLETE":
        return None
    stack = stacks[0]
    return DeployedStack(
        name=stack["StackName"],
        stack_id=stack.get("StackId", ""),
        status=stack["StackStatus"],
        tags={tag["Key"]: tag["Value"] for tag in stack.get("Tags", [])},
        resources=tuple(list_resources(session, stack_name)),
        status_reason=stack.get("StackStatusReason", ""),
    )


def list_resources(session: boto3.Session, stack_name: str) -> list[StackResource]:
    """Every resource of the stack."""
    cloudformation = session.client("cloudformation")
    resources: list[StackResource] = []
    for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name):
        for summary in page["StackResourceSummaries"]:
            # moto lists the resources it skipped (no CloudFormation model) with empty fields
            if not summary.get("LogicalResourceId"):
                continue
            resources.append(
                StackResource(
                    logical_id=summary["LogicalResourceId"],
                    resource_type=summary.get("ResourceType", ""),
                    physical_id=summary.get("PhysicalResourceId", "") or "",
                    status=summary.get("ResourceStatus", ""),
                )
            )
    return resources


def template_tags(session: boto3.Session, stack_name: str) -> dict[str, str]:
    """The labkit tags the template puts on its resources (the emulator keeps no stack-level tags)."""
    return template_resource_tags(template_of(session, stack_name))


def template_resource_tags(template: Mapping[str, Any]) -> dict[str, str]:
    """The labkit tags a template puts on its resources."""
    found: dict[str, str] = {}
    for resource in template.get("Resources", {}).values():
        tags = resource.get("Properties", {}).get("Tags")
        for tag in tags if isinstance(tags, list) else []:
            key, value = tag.get("Key"), tag.get("Value")
            if key in LAB_TAG_KEYS and isinstance(value, str):
                found.setdefault(key, value)
    return found


def template_of(session: boto3.Session, stack_name: str) -> dict[str, Any]:
    """The stack's deployed template."""
    body: Any = session.client("cloudformation").get_template(StackName=stack_name)["TemplateBody"]
    return json.loads(body) if isinstance(body, str) else dict(body)


def failure_reason(session: boto3.Session, stack_name: str) -> str:
    """The reason of the stack's latest failed event (`Logical id: reason`), a resource's before the stack's
    own, or "" when none failed."""
    cloudformation = session.client("cloudformation")
    try:
        pages = cloudformation.get_paginator("describe_stack_events").paginate(StackName=stack_name)
        events = [event for page in pages for event in page["StackEvents"]]
    except ClientError as error:
        if "does not exist" in str(error):
            return ""
        raise
    failed = [
        event
        for event in events  # newest first
        if str(event.get("ResourceStatus", "")).endswith("_FAILED") and event.get("ResourceStatusReason")
    ]
    # a resource's own event says why; the stack's only names the resources ("failed to delete: [...]")
    own = [event for event in failed if event.get("ResourceType") != STACK.cfn_type]
    for event in own[:1] or failed[:1]:
        return f"{event.get('LogicalResourceId', '?')}: {event['ResourceStatusReason']}"
    return ""
