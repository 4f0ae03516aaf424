"""A deployed lab stack as CloudFormation describes it: status, tags, physical resources by type, expiry.

Checks never rely on stack outputs (the emulator returns none): every physical id comes from
ListStackResources, and the expiry from the stack's tags, its template or its schedule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    import boto3

# the tags labs.common.lab_stack puts on every lab resource (importing it would load the CDK)
TAG_LAB = "labkit:lab"
TAG_OWNER = "labkit:owner"
TAG_EXPIRES = "labkit:expires-at"
# stable states in which the stack's resources exist (a rolled-back update keeps the previous ones)
HEALTHY_STATUSES = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"})
SCHEDULE_TYPE = "AWS::Scheduler::Schedule"
_AT_EXPRESSION = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_TAG_TIME_FORMATS = ("%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class StackResource:
    logical_id: str
    resource_type: str
    physical_id: str
    status: str


@dataclass(frozen=True)
class LabStack:
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


def load_stack(session: boto3.Session, stack_name: str) -> LabStack | None:
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
    return LabStack(
        name=stack["StackName"],
        stack_id=stack.get("StackId", ""),
        status=stack["StackStatus"],
        tags={tag["Key"]: tag["Value"] for tag in stack.get("Tags", [])},
        resources=tuple(list_resources(session, stack_name)),
        status_reason=stack.get("StackStatusReason", ""),
    )


def list_resources(session: boto3.Session, stack_name: str) -> list[StackResource]:
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
    body: Any = session.client("cloudformation").get_template(StackName=stack_name)["TemplateBody"]
    template = json.loads(body) if isinstance(body, str) else body
    found: dict[str, str] = {}
    for resource in template.get("Resources", {}).values():
        tags = resource.get("Properties", {}).get("Tags")
        for tag in tags if isinstance(tags, list) else []:
            key, value = tag.get("Key"), tag.get("Value")
            if key in (TAG_LAB, TAG_OWNER, TAG_EXPIRES) and isinstance(value, str):
                found.setdefault(key, value)
    return found


def template_of(session: boto3.Session, stack_name: str) -> dict[str, Any]:
    body: Any = session.client("cloudformation").get_template(StackName=stack_name)["TemplateBody"]
    return json.loads(body) if isinstance(body, str) else dict(body)


def parse_tag_time(text: str) -> datetime | None:
    """`2030-01-01T08:00Z` (the kit's tag format) as an aware UTC datetime, or None if unreadable."""
    for pattern in _TAG_TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def parse_at_expression(expression: str) -> datetime | None:
    """Scheduler's `at(2030-01-01T08:00:00)` (the kit always sets the UTC time zone) as a datetime."""
    match = _AT_EXPRESSION.match(expression.strip())
    return datetime.fromisoformat(match.group(1)).replace(tzinfo=UTC) if match else None


@dataclass(frozen=True)
class ScheduleState:
    """The stack's expiry schedule as the Scheduler API shows it."""

    name: str
    state: str
    fires_at: datetime | None
    deletes_stack: bool
    # what is wrong with the target's scope: the stack it names and the role it runs with ([] = right)
    scope_problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expiry:
    """When a lab deletes itself, and where the check read it."""

    tagged_at: datetime | None
    tag_source: str  # "stack tags", "template tags" or "" when neither has the tag
    schedule_declared: bool  # the template has an expiry schedule (False with ttlHours=0)
    schedule: ScheduleState | None = None
    schedule_error: str = ""

    @property
    def at(self) -> datetime | None:
        if self.schedule and self.schedule.fires_at:
            return self.schedule.fires_at
        return self.tagged_at


def read_expiry(session: boto3.Session, stack: LabStack) -> Expiry:
    """The stack's labkit:expires-at tag (stack tags, else the template's) and its schedule, if readable."""
    tagged, source = None, ""
    if TAG_EXPIRES in stack.tags:
        tagged, source = parse_tag_time(stack.tags[TAG_EXPIRES]), "stack tags"
    else:
        from_template = template_tags(session, stack.name).get(TAG_EXPIRES)
        if from_template:
            tagged, source = parse_tag_time(from_template), "template tags"
    declared = stack.declares(SCHEDULE_TYPE)
    schedule_name = stack.physical_id(SCHEDULE_TYPE)
    if not schedule_name:
        return Expiry(tagged, source, declared)
    try:
        answer = session.client("scheduler").get_schedule(Name=schedule_name)
    except ClientError as error:
        return Expiry(tagged, source, declared, schedule_error=_error_text(error))
    target = answer.get("Target", {})
    schedule = ScheduleState(
        name=schedule_name,
        state=answer.get("State", "ENABLED"),
        fires_at=parse_at_expression(answer.get("ScheduleExpression", "")),
        deletes_stack=target.get("Arn", "").endswith(":cloudformation:deleteStack"),
        scope_problems=tuple(target_scope_problems(session, stack, target)),
    )
    return Expiry(tagged, source, declared, schedule=schedule)


def target_scope_problems(session: boto3.Session, stack: LabStack, target: Mapping[str, Any]) -> list[str]:
    """The schedule must delete this stack only, with this stack's role allowed DeleteStack on it only."""
    problems = []
    try:
        named = json.loads(target.get("Input") or "{}").get("StackName", "")
    except (ValueError, AttributeError):
        named = ""
    if named not in {stack.stack_id, stack.name}:
        problems.append(f"its input names stack {named or 'nothing'!r}, not this one")
    role_name = str(target.get("RoleArn", "")).rsplit("/", 1)[-1]
    own_roles = {r.physical_id for r in stack.of_type("AWS::IAM::Role")}
    if role_name not in own_roles:
        return [*problems, f"it runs as role {role_name or 'none'!r}, which this stack did not create"]
    iam = session.client("iam")
    statements = [
        statement
        for policy in iam.list_role_policies(RoleName=role_name)["PolicyNames"]
        for statement in _statements(
            iam.get_role_policy(RoleName=role_name, PolicyName=policy)["PolicyDocument"]
        )
    ]
    allowed = {
        (str(s.get("Action")), str(s.get("Resource"))) for s in statements if s.get("Effect") == "Allow"
    }
    if allowed != {("cloudformation:DeleteStack", stack.stack_id)}:
        problems.append(f"its role {role_name} may do more than delete this stack: {sorted(allowed)}")
    if iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        problems.append(f"its role {role_name} has managed policies attached")
    return problems


def _statements(document: Any) -> list[dict[str, Any]]:
    """A policy document's statements (IAM returns it parsed, or URL-encoded JSON text on some paths)."""
    if isinstance(document, str):
        from urllib.parse import unquote

        document = json.loads(unquote(document))
    statement = document.get("Statement", [])
    return statement if isinstance(statement, list) else [statement]


def describe_remaining(moment: datetime, now: datetime) -> str:
    """`in 7 h 58 min`, `in 3 d 4 h`, `12 min ago`."""
    seconds = int((moment - now).total_seconds())
    days, rest = divmod(abs(seconds) // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    span = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    if days:
        span = f"{days} d {hours} h"
    return f"in {span}" if seconds >= 0 else f"{span} ago"


def _error_text(error: ClientError) -> str:
    details = error.response.get("Error", {})
    return f"{details.get('Code', 'Error')}: {details.get('Message', str(error))}"


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def unless_gone(call: Callable[..., Any], **arguments: Any) -> Any | None:
    """The call's answer, or None when AWS says the resource no longer exists (deleted by hand)."""
    try:
        return call(**arguments)
    except ClientError as error:
        code = error_code(error)
        if code.endswith(".NotFound") or code in {"ResourceNotFoundException", "NoSuchEntity"}:
            return None
        raise
