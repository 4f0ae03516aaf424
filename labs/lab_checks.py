"""`labkit check LAB`: verify that a deployed lab does what it promises, item by item.

Each lab's check lives beside its stack (labs/<lab>/check.py) and exposes `check(session, *, stack_name,
on_emulator, ...) -> CheckReport`. This module dispatches to them and holds what they share: the stack
and expiry items that open every report, and a poller with a time limit and a progress line.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from csv_writer.csv_format import read_csv
from labs.checking import CheckReport
from labs.console import ProgressUpdate, print_report, wait_progress
from labs.settings import LAB_IDS, LabSettings, parse_owner
from labs.stack_resources import LabStack, describe_remaining, load_stack, read_expiry

if TYPE_CHECKING:
    import boto3

HELP = "check a deployed lab: every promise it makes, passed or failed with the reason and a hint"
DEFAULT_TIMEOUT_S = 120.0
SELF_HEAL_TIMEOUT_S = 300.0
# a real replacement or Lambda delivery takes seconds to minutes; the emulator answers at once
REAL_POLL_S = 5.0
EMULATOR_POLL_S = 0.5

CHECK_MODULES = {
    "LabEc2": "labs.ec2.check",
    "LabAsg": "labs.asg.check",
    "LabDdbStream": "labs.ddb_stream.check",
    "LabStepFunction": "labs.step_function.check",
}

T = TypeVar("T")
Probe = Callable[[], tuple[T | None, str]]
ProgressFactory = Callable[[str, float], AbstractContextManager[ProgressUpdate]]


@dataclass(frozen=True)
class Waited(Generic[T]):
    """What a wait ended with: the value (None on timeout), the last status seen and the time it took."""

    value: T | None
    status: str
    elapsed_s: float


@dataclass
class Waiter:
    """Polls a probe until it returns a value or the time limit is over, showing its status meanwhile."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    poll_s: float = REAL_POLL_S
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    progress: ProgressFactory = field(default=wait_progress)

    @classmethod
    def for_run(cls, *, on_emulator: bool, timeout_s: float) -> Waiter:
        return cls(timeout_s=timeout_s, poll_s=EMULATOR_POLL_S if on_emulator else REAL_POLL_S)

    def until(self, probe: Probe[T], *, what: str) -> Waited[T]:
        start = self.clock()
        with self.progress(what, self.timeout_s) as show:
            while True:
                value, status = probe()
                elapsed = self.clock() - start
                show(status, elapsed)
                if value is not None or elapsed >= self.timeout_s:
                    return Waited(value, status, elapsed)
                self.sleep(max(0.0, min(self.poll_s, self.timeout_s - elapsed)))


@dataclass(frozen=True)
class FoundRow:
    """A CSV row the lab's writer put into its bucket."""

    key: str
    row: Mapping[str, str]

    def describe(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in self.row.items())


def find_row(s3: Any, bucket: str, key: str, *, column: str, value: str) -> FoundRow | None:
    """The first row of s3://bucket/key whose `column` is `value` (cells read back as written)."""
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    for row in read_csv(body, restore=True):
        if row.get(column) == value:
            return FoundRow(key, row)
    return None


def deploy_command(lab_id: str, stack_name: str) -> str:
    """How the learner deploys this stack: `cdk deploy LabEc2 -c owner=alice` for `alice-LabEc2`."""
    owner = stack_name[: -len(lab_id) - 1] if stack_name.endswith(f"-{lab_id}") else ""
    return f"cdk deploy {lab_id}" + (f" -c owner={owner}" if owner else "")


def begin_report(
    lab_id: str, session: boto3.Session, stack_name: str, *, on_emulator: bool, now: datetime | None = None
) -> tuple[CheckReport, LabStack | None]:
    """A report opened with the stack item and the expiry item; the stack is None when checks must stop."""
    report = CheckReport(lab_id=lab_id, stack_name=stack_name)
    stack = load_stack(session, stack_name)
    deploy = deploy_command(lab_id, stack_name)
    if stack is None:
        report.add(
            "Stack deployed",
            False,
            f"no stack named {stack_name} in {session.region_name or 'the default region'}",
            hint=f"deploy it ({deploy}), or pass the --owner you deployed it with",
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
    report: CheckReport, session: boto3.Session, stack: LabStack, *, on_emulator: bool, now: datetime
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


def run_check(
    lab_id: str,
    *,
    session: boto3.Session,
    stack_name: str,
    on_emulator: bool,
    self_heal: bool = False,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> CheckReport:
    """Run one lab's check. `self_heal` applies to LabAsg only (it terminates an instance)."""
    if lab_id not in CHECK_MODULES:
        raise ValueError(f"unknown lab {lab_id!r}: choose one of {', '.join(LAB_IDS)}")
    if self_heal and lab_id != "LabAsg":
        raise ValueError("--self-heal applies to LabAsg only")
    module = importlib.import_module(CHECK_MODULES[lab_id])
    waiter = Waiter.for_run(on_emulator=on_emulator, timeout_s=timeout_s)
    options = {"self_heal": self_heal} if lab_id == "LabAsg" else {}
    report: CheckReport = module.check(
        session, stack_name=stack_name, on_emulator=on_emulator, waiter=waiter, **options
    )
    return report


def owner_from_cdk_json(directory: Path) -> str | None:
    """The `owner` context cdk.json sets, so `labkit check` finds the stack `cdk deploy` made."""
    path = directory / "cdk.json"
    if not path.is_file():
        return None
    try:
        context = json.loads(path.read_text(encoding="utf-8")).get("context", {})
    except (OSError, ValueError):
        return None
    return parse_owner(context.get("owner")) if isinstance(context, dict) else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lab", choices=LAB_IDS, metavar="LAB", help=f"the lab to check: {', '.join(LAB_IDS)}")
    parser.add_argument(
        "--owner",
        help="the owner the lab was deployed with (-c owner=...): checks stack <owner>-<LAB> "
        "(default: cdk.json's owner)",
    )
    parser.add_argument(
        "--self-heal",
        action="store_true",
        help="LabAsg only: terminate one instance and wait until the group is back to 2 in service",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help=f"seconds to wait for each asynchronous result (default {DEFAULT_TIMEOUT_S:.0f}; "
        f"{SELF_HEAL_TIMEOUT_S:.0f} with --self-heal)",
    )


def run(args: argparse.Namespace) -> int:
    import boto3

    owner = parse_owner(args.owner) if args.owner else owner_from_cdk_json(Path.cwd())
    stack_name = LabSettings(owner=owner).stack_name(args.lab)
    if args.self_heal and args.lab != "LabAsg":
        print("labkit: --self-heal applies to LabAsg only", file=sys.stderr)
        return 2
    timeout = (
        args.timeout
        if args.timeout is not None
        else (SELF_HEAL_TIMEOUT_S if args.self_heal else DEFAULT_TIMEOUT_S)
    )
    try:
        report = run_check(
            args.lab,
            session=boto3.Session(),
            stack_name=stack_name,
            on_emulator=os.environ.get("LABKIT_EMULATOR") == "1",
            self_heal=args.self_heal,
            timeout_s=timeout,
        )
    except (NoCredentialsError, NoRegionError) as error:
        print(
            f"labkit: {error}: configure AWS credentials and a region (aws configure, AWS_PROFILE)",
            file=sys.stderr,
        )
        return 2
    except BotoCoreError as error:
        print(f"labkit: could not reach AWS: {error}", file=sys.stderr)
        return 2
    except ClientError as error:
        print(f"labkit: AWS refused a call the check needs: {error}", file=sys.stderr)
        return 2
    print_report(report)
    return 0 if report.passed else 1
