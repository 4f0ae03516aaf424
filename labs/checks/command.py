"""`labkit check LAB`: verify that a deployed lab does what it promises, item by item.

The labs and the options their checks declare come from the registry (labs/registry.py); this module only
reads the command line, runs the lab's check and prints its report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from labs.checks.render import print_report
from labs.checks.waiting import DEFAULT_TIMEOUT_S
from labs.deployed.session import on_emulator, session_from_environment
from labs.outcomes import ExitStatus
from labs.registry import check_options, lab_ids, run_check
from labs.settings import owner_from_cdk_json, parse_owner
from labs.shared_facts import TAG_LAB, learner_stack_id, stack_name
from labs.terminal import make_console

HELP = "check a deployed lab: every promise it makes, passed or failed with the reason and a hint"
# what a failed AWS call means for this command (labs/cli.py prints it with the error)
AWS_FAILURE = "the check could not finish"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `labkit check`."""
    parser.add_argument(
        "lab", choices=lab_ids(), metavar="LAB", help=f"the lab to check: {', '.join(lab_ids())}"
    )
    parser.add_argument(
        "--owner",
        help="the owner the lab was deployed with (-c owner=...): checks stack <owner>-<LAB> "
        "(default: cdk.json's owner)",
    )
    parser.add_argument(
        "--stack",
        help=f"check this stack instead, e.g. your own from `labkit exercise`: {learner_stack_id('<Lab>')} "
        f"(with an owner: alice-{learner_stack_id('<Lab>')})",
    )
    longest = [
        f"{option.timeout_s:.0f} with {option.flag}" for _, option in check_options() if option.timeout_s
    ]
    for declaring, option in check_options():
        parser.add_argument(option.flag, action="store_true", help=f"{declaring.lab_id} only: {option.help}")
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help=f"seconds to wait for each asynchronous result (default {DEFAULT_TIMEOUT_S:.0f}"
        + "".join(f"; {text}" for text in longest)
        + ")",
    )


def run(args: argparse.Namespace) -> int:
    """Check one deployed lab and print its report; the exit status."""
    if args.stack and args.owner:
        print("labkit: give --stack (the whole stack name) or --owner, not both", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    owner = parse_owner(args.owner) if args.owner else owner_from_cdk_json(Path.cwd())
    options = {option.keyword: bool(getattr(args, option.keyword)) for _, option in check_options()}
    session = session_from_environment()
    other = other_labs_stack(session, args.stack, args.lab) if args.stack else None
    if other:  # its items would all fail against another lab's resources, with hints that cannot help
        print(
            f"labkit: {args.stack} is a {other} stack (its {TAG_LAB} tag), not {args.lab}'s: "
            f"labkit check {other} --stack {args.stack}",
            file=sys.stderr,
        )
        return ExitStatus.CANNOT_RUN
    try:
        report = run_check(
            args.lab,
            session=session,
            stack_name=args.stack or stack_name(args.lab, owner),
            on_emulator=on_emulator(session),
            timeout_s=args.timeout,
            options=options,
        )
    except ValueError as error:  # an option the lab does not declare
        print(f"labkit: {error}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    print_report(report, make_console())
    return ExitStatus.of(report.passed)


def other_labs_stack(session: boto3.Session, stack: str, lab_id: str) -> str | None:
    """The lab a stack's tag names when it is another lab than `lab_id`; None if it is this lab's, has no
    tag or cannot be read (the check itself then says what it finds)."""
    try:
        found = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    except (ClientError, BotoCoreError):
        return None
    tags = {tag["Key"]: tag["Value"] for tag in (found[0].get("Tags", []) if found else [])}
    named = tags.get(TAG_LAB)
    return named if named and named != lab_id else None
