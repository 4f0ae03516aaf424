"""When a deployed lab deletes itself: its `labkit:expires-at` tag and its expiry schedule, as AWS shows them.

The schedule is read through the Scheduler API and its role through IAM, so a check can tell a lab that
will delete itself from one whose schedule is missing, disabled, overdue, or allowed to do too much.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from labs.catalogue.iam import ROLE
from labs.catalogue.scheduler import SCHEDULE
from labs.catalogue.sqs import QUEUE
from labs.deployed.session import error_text
from labs.deployed.stack import DeployedStack, failure_reason, template_of, template_resource_tags
from labs.shared_facts import TAG_EXPIRES, parse_expires_tag

if TYPE_CHECKING:
    import boto3

SCHEDULE_TYPE = SCHEDULE.cfn_type
_AT_EXPRESSION = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


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

    def overdue(self, now: datetime) -> bool:
        """True for a lab still there after its expiry time: its deletion failed or never ran."""
        return self.at is not None and self.at <= now


def read_tagged_expiry(session: boto3.Session, stack: DeployedStack) -> Expiry:
    """The stack's labkit:expires-at tag (stack tags, else the template's), without asking Scheduler."""
    tagged, source = None, ""
    if TAG_EXPIRES in stack.tags:
        tagged, source = parse_expires_tag(stack.tags[TAG_EXPIRES]), "stack tags"
    else:
        template = template_of(session, stack.name)
        # the time is on the stack and its schedule; labs deployed before that carry it on resources too
        scheduled = template_schedule_time(template)
        from_template = template_resource_tags(template).get(TAG_EXPIRES)
        if scheduled:
            tagged, source = scheduled, "template schedule"
        elif from_template:
            tagged, source = parse_expires_tag(from_template), "template tags"
    return Expiry(tagged, source, stack.declares(SCHEDULE_TYPE))


def template_schedule_time(template: Mapping[str, Any]) -> datetime | None:
    """When the template's expiry schedule fires (its `at(...)` expression), None without one."""
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == SCHEDULE_TYPE:
            expression = resource.get("Properties", {}).get("ScheduleExpression")
            if isinstance(expression, str):
                return parse_at_expression(expression)
    return None


def read_expiry(session: boto3.Session, stack: DeployedStack, *, check_scope: bool = True) -> Expiry:
    """The stack's labkit:expires-at tag (stack tags, else the template's) and its schedule, if readable.

    `check_scope=False` skips reading the schedule's role from IAM (a class status needs only the time).
    """
    tagged_only = read_tagged_expiry(session, stack)
    tagged, source, declared = tagged_only.tagged_at, tagged_only.tag_source, tagged_only.schedule_declared
    schedule_name = stack.physical_id(SCHEDULE_TYPE)
    if not schedule_name:
        return tagged_only
    try:
        answer = session.client("scheduler").get_schedule(Name=schedule_name)
    except ClientError as error:
        return Expiry(tagged, source, declared, schedule_error=error_text(error))
    target = answer.get("Target", {})
    schedule = ScheduleState(
        name=schedule_name,
        state=answer.get("State", "ENABLED"),
        fires_at=parse_at_expression(answer.get("ScheduleExpression", "")),
        deletes_stack=target.get("Arn", "").endswith(":cloudformation:deleteStack"),
        scope_problems=tuple(target_scope_problems(session, stack, target)) if check_scope else (),
    )
    return Expiry(tagged, source, declared, schedule=schedule)


def target_scope_problems(
    session: boto3.Session, stack: DeployedStack, target: Mapping[str, Any]
) -> list[str]:
    """The schedule must delete this stack only, with this stack's role allowed DeleteStack on it and
    SendMessage to the stack's own (dead-letter) queues, nothing else."""
    problems = []
    try:
        named = json.loads(target.get("Input") or "{}").get("StackName", "")
    except (ValueError, AttributeError):
        named = ""
    if named not in {stack.stack_id, stack.name}:
        problems.append(f"its input names stack {named or 'nothing'!r}, not this one")
    role_name = str(target.get("RoleArn", "")).rsplit("/", 1)[-1]
    own_roles = {r.physical_id for r in stack.of_type(ROLE.cfn_type)}
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
    delete = ("cloudformation:DeleteStack", stack.stack_id)
    # Scheduler sends a failed invocation to the schedule's dead-letter queue with the schedule's role
    reports = {(act, arn) for act, arn in allowed if act == "sqs:SendMessage" and owns_queue(stack, arn)}
    if delete not in allowed:
        problems.append(f"its role {role_name} may not delete this stack")
    if allowed - {delete} - reports:
        problems.append(
            f"its role {role_name} may do more than delete this stack and report to its dead-letter queue: "
            f"{sorted(allowed)}"
        )
    if iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        problems.append(f"its role {role_name} has managed policies attached")
    return problems


def owns_queue(stack: DeployedStack, queue_arn: str) -> bool:
    """True when `queue_arn` names a queue of this stack, in this stack's account and region."""
    # a stack id is arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>
    stack_arn, queue = stack.stack_id.split(":"), queue_arn.split(":")
    if len(stack_arn) < 6 or len(queue) != 6 or queue[2] != "sqs" or queue[3:5] != stack_arn[3:5]:
        return False
    # CloudFormation names a queue by its URL, https://sqs.<region>.amazonaws.com/<account>/<name>
    own = {r.physical_id.rstrip("/").rsplit("/", 1)[-1] for r in stack.of_type(QUEUE.cfn_type)}
    return queue[5] in own


def _statements(document: Any) -> list[dict[str, Any]]:
    """A policy document's statements (IAM returns it parsed, or URL-encoded JSON text on some paths)."""
    if isinstance(document, str):
        document = json.loads(unquote(document))
    statement = document.get("Statement", [])
    return statement if isinstance(statement, list) else [statement]


def overdue_summary(session: boto3.Session, stack: DeployedStack, expiry: Expiry, now: datetime) -> str:
    """Why an overdue lab is still here: `overdue: due to delete itself at ... (1 h 5 min ago); still here,
    DELETE_FAILED: <logical id>: <reason of its latest failed event>`."""
    due = f"{expiry.at:%Y-%m-%d %H:%M} UTC ({describe_remaining(expiry.at, now)})" if expiry.at else "?"
    reason = failure_reason(session, stack.name) or stack.status_reason
    return f"overdue: due to delete itself at {due}; still here, {stack.status}" + (
        f": {reason}" if reason else ""
    )


def describe_remaining(moment: datetime, now: datetime) -> str:
    """`in 7 h 58 min`, `in 3 d 4 h`, `12 min ago`."""
    seconds = int((moment - now).total_seconds())
    days, rest = divmod(abs(seconds) // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    span = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    if days:
        span = f"{days} d {hours} h"
    return f"in {span}" if seconds >= 0 else f"{span} ago"
