"""The items that open every lab's report: is the stack there and healthy, and when does it delete itself."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from labs.catalogue.sqs import QUEUE
from labs.checks.report import CheckReport
from labs.deployed.expiry import Expiry, describe_remaining, overdue_summary, read_expiry
from labs.deployed.stack import DeployedStack, failure_reason, load_stack
from labs.deployed.stuck import way_out
from labs.shared_facts import EXPIRY_DEAD_LETTERS_PREFIX, cdk_command, expire_command

if TYPE_CHECKING:
    import boto3


# other owners' stacks of the lab named when the asked one is missing (a class may have dozens)
SHOWN_STACKS = 5


def begin_report(
    lab_id: str, session: boto3.Session, stack_name: str, *, on_emulator: bool, now: datetime | None = None
) -> tuple[CheckReport, DeployedStack | None]:
    """A report opened with the stack item and the expiry item; the stack is None when checks must stop."""
    report = CheckReport(lab_id=lab_id, stack_name=stack_name)
    now = now or datetime.now(UTC)
    stack = load_stack(session, stack_name)
    deploy = cdk_command("deploy", lab_id, stack_name)
    if stack is None:
        others = sorted(name for name in lab_stacks(session, lab_id) if name != stack_name)
        owners = [name.removesuffix(f"-{lab_id}") for name in others if name.endswith(f"-{lab_id}")]
        more = f" and {len(others) - SHOWN_STACKS} more" if len(others) > SHOWN_STACKS else ""
        seen = f"; it has {', '.join(others[:SHOWN_STACKS])}{more}" if others else ""
        which = (
            "check one of those: --owner " + " or --owner ".join(owners[:SHOWN_STACKS])
            if owners
            else "pass the --owner (or --stack) you deployed it with"
        )
        report.add(
            "Stack deployed",
            False,
            f"no stack named {stack_name} in {session.region_name or 'the default region'}{seen}",
            hint=f"deploy it ({deploy}), or {which}",
        )
        return report, None
    # the stack's status reason is often generic ("resources failed to delete"): the failed event says which
    why = failure_reason(session, stack.name) if not stack.healthy else ""
    why = why or stack.status_reason
    reason = f" ({why})" if why else ""
    stuck = way_out(session, stack.name, lab_id=lab_id) if not stack.healthy else None
    known = stuck is not None and (stuck.retains or stuck.status != "DELETE_FAILED")
    report.add(
        "Stack deployed",
        stack.healthy,
        f"{stack.name} is {stack.status}{reason}",
        hint=stuck.hint() if stuck is not None and known else stack_hint(stack.status, lab_id, stack.name),
    )
    if not stack.healthy:
        # a stack its expiry failed to delete (DELETE_FAILED) still bills: say it is overdue, and why
        expiry = read_expiry(session, stack)
        if expiry.overdue(now):
            add_overdue_item(report, session, stack, expiry, on_emulator=on_emulator, now=now)
        return report, None
    add_expiry_item(report, session, stack, on_emulator=on_emulator, now=now)
    return report, stack


def lab_stacks(session: boto3.Session, lab_id: str) -> list[str]:
    """The names of the live stacks of a lab, any owner's (`<Lab>`, `alice-<Lab>`)."""
    pages = session.client("cloudformation").get_paginator("describe_stacks").paginate()
    names = [stack["StackName"] for page in pages for stack in page["Stacks"]]
    return [name for name in names if name == lab_id or name.endswith(f"-{lab_id}")]


def stack_hint(status: str, lab_id: str, stack_name: str) -> str:
    """What to do about a stack that is not in a stable, working state."""
    if status.startswith("DELETE"):
        return (
            f"the stack is being deleted or failed to be: `labkit leftovers {lab_id}` lists what remains; "
            f"fix the reason, then `{cdk_command('destroy', lab_id, stack_name)}` again"
        )
    if status.endswith("IN_PROGRESS"):
        return "wait for the deploy to finish, then rerun the check"
    return (
        f"redeploy ({cdk_command('deploy', lab_id, stack_name)}) and read the failed resource's reason in "
        "the stack's events"
    )


def add_overdue_item(
    report: CheckReport,
    session: boto3.Session,
    stack: DeployedStack,
    expiry: Expiry,
    *,
    on_emulator: bool,
    now: datetime,
) -> None:
    """A lab still here after its expiry time: the expiry failed, or never ran; the stack bills meanwhile."""
    destroy = cdk_command("destroy", report.lab_id, stack.name)
    queue = stack.physical_id(QUEUE.cfn_type, logical_prefix=EXPIRY_DEAD_LETTERS_PREFIX)
    if stack.status.startswith("DELETE"):
        hint = f"fix the reason, then `{destroy}`; `labkit leftovers {report.lab_id}` lists what remains"
    elif queue:
        hint = f"`{destroy}` now; what Scheduler could not do: aws sqs receive-message --queue-url {queue}"
    else:
        hint = f"`{destroy}` now"
    # the emulator fires a schedule when due, but only while it runs (and with the schedule's own role)
    emulator = " (was the emulator stopped at that time?)" if on_emulator else ""
    report.add("Auto-expiry", False, overdue_summary(session, stack, expiry, now) + emulator, hint=hint)


def add_expiry_item(
    report: CheckReport, session: boto3.Session, stack: DeployedStack, *, on_emulator: bool, now: datetime
) -> None:
    """When the lab deletes itself, verified against its schedule where the schedule can be read."""
    expiry = read_expiry(session, stack)
    if expiry.overdue(now):
        add_overdue_item(report, session, stack, expiry, on_emulator=on_emulator, now=now)
        return
    destroy = cdk_command("destroy", report.lab_id, stack.name)
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
                f"expires at {when} {source}; the emulator shows no schedule ({missing}), so none will fire",
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
        *schedule_problems(expiry.at, schedule.state, schedule.deletes_stack),
        *schedule.scope_problems,
    ]
    expire = f"`{expire_command(report.lab_id, stack.name)}` fires it now"
    emulator = f" (the emulator fires it then; {expire})" if on_emulator else ""
    report.add(
        "Auto-expiry",
        not problems,
        f"schedule {schedule.name} is {schedule.state} and deletes this stack, with a role allowed "
        f"nothing else, at {when}{emulator}"
        if not problems
        else f"schedule {schedule.name}: {'; '.join(problems)}",
        hint=f"`{destroy}` now; redeploy only if you still need the lab",
    )


def schedule_problems(at: datetime | None, state: str, deletes_stack: bool) -> list[str]:
    """What is wrong with the stack's expiry schedule, if anything."""
    problems = []
    if state != "ENABLED":
        problems.append(f"it is {state}, so the lab will not delete itself")
    if not deletes_stack:
        problems.append("its target is not CloudFormation DeleteStack")
    if at is None:
        problems.append("its expression is not a one-time at(...) time")
    return problems
