"""The items that open every lab's report: is the stack there and healthy, and when does it delete itself."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from labs.checks.report import CheckReport
from labs.contract import learner_stack_id, owner_of
from labs.deployed.expiry import describe_remaining, read_expiry
from labs.deployed.stack import DeployedStack, load_stack

if TYPE_CHECKING:
    import boto3


def deploy_command(lab_id: str, stack_name: str) -> str:
    """How the learner deploys this stack: `cdk deploy LabEc2 -c owner=alice` for `alice-LabEc2`,
    `cdk deploy MyLabEc2` for their own stack (`labkit exercise`), else the stack by its name."""
    for construct_id in (lab_id, learner_stack_id(lab_id)):
        owner = owner_of(stack_name, construct_id)
        if owner or stack_name == construct_id:
            return f"cdk deploy {construct_id}" + (f" -c owner={owner}" if owner else "")
    return f"cdk deploy {stack_name}"


def begin_report(
    lab_id: str, session: boto3.Session, stack_name: str, *, on_emulator: bool, now: datetime | None = None
) -> tuple[CheckReport, DeployedStack | None]:
    """A report opened with the stack item and the expiry item; the stack is None when checks must stop."""
    report = CheckReport(lab_id=lab_id, stack_name=stack_name)
    stack = load_stack(session, stack_name)
    deploy = deploy_command(lab_id, stack_name)
    if stack is None:
        report.add(
            "Stack deployed",
            False,
            f"no stack named {stack_name} in {session.region_name or 'the default region'}",
            hint=f"deploy it ({deploy}), or pass the --owner (or --stack) you deployed it with",
        )
        return report, None
    reason = f" ({stack.status_reason})" if stack.status_reason else ""
    report.add(
        "Stack deployed",
        stack.healthy,
        f"{stack.name} is {stack.status}{reason}",
        hint=stack_hint(stack.status, lab_id, deploy),
    )
    if not stack.healthy:
        return report, None
    add_expiry_item(report, session, stack, on_emulator=on_emulator, now=now or datetime.now(UTC))
    return report, stack


def stack_hint(status: str, lab_id: str, deploy: str) -> str:
    """What to do about a stack that is not in a stable, working state."""
    if status.startswith("DELETE"):
        return (
            f"the stack is being deleted or failed to be: `labkit leftovers {lab_id}` lists what remains; "
            f"fix the reason, then `cdk destroy {lab_id}` again"
        )
    if status.endswith("IN_PROGRESS"):
        return "wait for the deploy to finish, then rerun the check"
    return f"redeploy ({deploy}) and read the failed resource's reason in the stack's events"


def add_expiry_item(
    report: CheckReport, session: boto3.Session, stack: DeployedStack, *, on_emulator: bool, now: datetime
) -> None:
    """When the lab deletes itself, verified against its schedule where the schedule can be read."""
    expiry = read_expiry(session, stack)
    destroy = f"cdk destroy {report.lab_id}"
    if not expiry.schedule_declared and expiry.tagged_at is None:
        report.notes.append(f"This lab never expires (deployed with ttlHours=0): `{destroy}` when done.")
        return
    at = expiry.at
    when = f"{at:%Y-%m-%d %H:%M} UTC ({describe_remaining(at, now)})" if at else "an unreadable time"
    schedule = expiry.schedule
    if schedule is None:
        missing = expiry.schedule_error or (
            "CloudFormation lists it without creating it"
            if expiry.schedule_declared
            else "the stack has none"
        )
        source = f"per the {expiry.tag_source}" if expiry.tag_source else "per nothing readable"
        if on_emulator:
            report.not_verifiable(
                "Auto-expiry",
                f"expires at {when} {source}; the emulator shows no schedule ({missing}) and fires none",
            )
            return
        report.add(
            "Auto-expiry",
            False,
            f"tagged to expire at {when}, but its expiry schedule is missing: {missing}",
            hint=f"redeploy the lab to recreate the schedule, or `{destroy}` yourself when done",
        )
        return
    problems = [
        *schedule_problems(expiry.at, schedule.state, schedule.deletes_stack, now),
        *schedule.scope_problems,
    ]
    emulator = " (the emulator never fires schedules)" if on_emulator else ""
    report.add(
        "Auto-expiry",
        not problems,
        f"schedule {schedule.name} is {schedule.state} and deletes this stack, with a role allowed "
        f"nothing else, at {when}{emulator}"
        if not problems
        else f"schedule {schedule.name}: {'; '.join(problems)}",
        hint=f"`{destroy}` now; redeploy only if you still need the lab",
    )


def schedule_problems(at: datetime | None, state: str, deletes_stack: bool, now: datetime) -> list[str]:
    problems = []
    if state != "ENABLED":
        problems.append(f"it is {state}, so the lab will not delete itself")
    if not deletes_stack:
        problems.append("its target is not CloudFormation DeleteStack")
    if at is None:
        problems.append("its expression is not a one-time at(...) time")
    elif at <= now:
        problems.append(f"it was due at {at:%Y-%m-%d %H:%M} UTC but the stack still exists")
    return problems
