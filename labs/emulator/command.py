"""`labkit emulator`: the local AWS in the foreground, and what a learner asks of it from another shell.

- `labkit emulator [--port N] [--verbose]` starts it, writes the variables to point a shell at it into
  .labkit/emulator.env (labs/emulator/env_file.py; removed when it stops) and prints them last, ready to
  paste; while one runs, a second one in the same checkout is refused with the way to use the first;
- `labkit emulator expire LAB [--owner O | --stack S]`, in that other shell: the lab's expiry schedule fires
  now (the emulator's clock never reaches an expiry hours away), with the schedule's own role;
- `labkit emulator interrupt INSTANCE [--warning-seconds S]`: EC2 interrupts a Spot instance (the two
  events on the default bus now, the instance terminated after S seconds instead of AWS's 120).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from labs.cost.prices import PRICES_JSON
from labs.emulator.env_file import env_file_path, live_emulator, remove_if_ours, shown, write_exports
from labs.outcomes import ExitStatus
from labs.registry import all_labs, lab_ids
from labs.shared_facts import stack_name
from local_aws.client import AWS_WARNING_S, EmulatorError, LocalAws

# a learner rehearsing cold starts sees an environment reclaimed within a minute
REHEARSAL_IDLE_S = 60.0
HELP = (
    "start the local AWS emulator (or, from a shell pointed at it: expire a lab, interrupt a Spot instance)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `labkit emulator`."""
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="also list the AWS parity fixes and what the emulator cannot do",
    )
    parser.add_argument("--log-requests", action="store_true", help="log every request the emulator answers")
    parser.add_argument(
        "--lambda-idle-seconds",
        type=float,
        default=REHEARSAL_IDLE_S,
        help="how long an idle function's execution environment stays warm before the emulator reclaims it "
        f"(default {REHEARSAL_IDLE_S:.0f} s: AWS takes minutes, a rehearsal need not wait that long)",
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="where to write the exports to `source` (default .labkit/emulator.env in the checkout); a "
        "second emulator beside a running one needs a file of its own",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    expire = actions.add_parser(
        "expire",
        help="fire a deployed lab's expiry schedule now, with its own role (run where the exports are set)",
        description="Time travel for the lab's auto-expiry: Scheduler runs the schedule's target now.",
    )
    expire.add_argument("lab", choices=lab_ids(), metavar="LAB", help=f"the lab: {', '.join(lab_ids())}")
    expire.add_argument("--owner", help="the owner the lab was deployed with (default: cdk.json's owner)")
    expire.add_argument("--stack", help="the stack's name instead (a learner's My<Lab>, alice-My<Lab>)")
    interrupt = actions.add_parser(
        "interrupt",
        help="interrupt a Spot instance as EC2 does: warning and rebalance events now, terminated after the "
        "warning time (run where the exports are set)",
        description="EC2 takes a Spot instance back: the two events go on the default bus, the instance is "
        "terminated after the warning time, and its Auto Scaling group replaces it.",
    )
    interrupt.add_argument("instance", metavar="INSTANCE", help="the Spot instance's id (i-...)")
    interrupt.add_argument(
        "--warning-seconds",
        type=float,
        default=None,
        help="seconds between the warning and the termination (default 10; AWS gives 120)",
    )


def shell_exports(aws: LocalAws) -> list[str]:
    """Lines a user pastes into a POSIX shell so aws, cdk and labkit talk to this emulator."""
    lines = ["unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN CDK_DEFAULT_ACCOUNT"]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in aws.env_vars.items()]
    return lines


def banner(aws: LocalAws, *, verbose: bool, env_file: Path | None) -> str:
    """What `labkit emulator` prints: one status line, the steps, then the exports last, ready to paste."""
    context = f"-c sandboxAccounts={aws.account_id}"
    # the lab whose descriptor names the outputs to paste: the walkthrough reaches it through the registry
    walkthrough = next(described for described in all_labs().values() if described.walkthrough_outputs)
    steps = [
        f"cdk bootstrap aws://{aws.account_id}/{aws.region}",
        f"cdk deploy {walkthrough.lab_id} {context}",
        f"   ...then paste the outputs it prints ({', '.join(walkthrough.walkthrough_outputs)})",
        f"labkit check {walkthrough.lab_id}",
        f"labkit emulator expire {walkthrough.lab_id}   # its auto-expiry, now",
        "labkit leftovers",
    ]
    details: list[str] = []
    if verbose:
        details += ["", "AWS parity fixes applied inside the emulator:"]
        details += [f"  - {fix.name}: {fix.why}" for fix in aws.parity_fixes]
        details += ["What the emulator cannot do:", *(f"  - {gap.name}: {gap.detail}" for gap in aws.gaps)]
    source = f" (or: source {shown(env_file)})" if env_file else ""
    listed = "" if verbose else " (--verbose lists them)"
    return "\n".join(
        [
            f"Local AWS emulator on {aws.endpoint} (account {aws.account_id}, {aws.region}), "
            f"{len(aws.parity_fixes)} AWS parity fixes applied{listed}.",
            *details,
            "",
            "In another shell, after the exports below:",
            *(f"  {step}" for step in steps),
            "Ctrl-C here stops the emulator; everything deployed to it goes with it.",
            "",
            f"Paste into another shell{source}:",
            *(f"  {line}" for line in shell_exports(aws)),
        ]
    )


def already_running(path: Path) -> str | None:
    """One line when an emulator of this checkout runs with this exports file; None when none does."""
    live = live_emulator(path)
    if live is None:
        return None
    return (
        f"labkit: an emulator already runs on {live.endpoint} (pid {live.pid}): use it (source "
        f"{shown(path)}), or stop it first (Ctrl-C in its shell); a second one beside it: labkit emulator "
        "--env-file <another file>"
    )


def run(args: argparse.Namespace) -> int:
    """Start the emulator, or send a running one a lab event (expire, interrupt); the exit status."""
    if args.action == "expire":
        return expire(args)
    if args.action == "interrupt":
        return interrupt(args)
    path: Path = args.env_file or env_file_path()
    running = already_running(path)
    if running:  # its file is left as it is: the shells that sourced it keep working
        print(running, file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    env_file: Path | None = None
    try:
        idle = args.lambda_idle_seconds
        # the emulator's Spot market is the kit's price table
        with LocalAws(
            port=args.port, verbose=args.log_requests, lambda_idle_s=idle, prices=PRICES_JSON
        ) as aws:
            env_file = write_exports(path, shell_exports(aws), pid=os.getpid())
            print(banner(aws, verbose=args.verbose, env_file=env_file), flush=True)
            code = aws.wait()
            print(f"labkit: the emulator stopped on its own (exit {code}):\n{aws.log_tail()}")
            return ExitStatus.FAILED
    except KeyboardInterrupt:
        print("\nlabkit: emulator stopped")
        return ExitStatus.PASSED
    except EmulatorError as error:
        print(f"labkit: {error}")
        return ExitStatus.FAILED
    finally:
        if env_file is not None:
            remove_if_ours(env_file, os.getpid())


def expire(args: argparse.Namespace) -> int:
    """Fire a deployed lab's expiry schedule on the emulator now, as if its time had come."""
    from labs.deployed.expiry import SCHEDULE_TYPE
    from labs.deployed.session import new_session, on_emulator
    from labs.deployed.stack import load_stack
    from labs.settings import owner_from_cdk_json, parse_owner
    from local_aws.client import fire_schedule

    session = new_session()
    if not on_emulator(session):
        print(
            "labkit emulator expire: this shell does not point at the emulator; paste the exports "
            "`labkit emulator` printed first (a real expiry fires on its own)",
            file=sys.stderr,
        )
        return ExitStatus.CANNOT_RUN
    if args.stack:
        name = args.stack
    else:
        owner = parse_owner(args.owner) if args.owner else owner_from_cdk_json(Path.cwd())
        name = stack_name(args.lab, owner)
    stack = load_stack(session, name)
    if stack is None:
        print(f"labkit emulator expire: no stack {name} on the emulator", file=sys.stderr)
        return ExitStatus.FAILED
    schedule = stack.physical_id(SCHEDULE_TYPE)
    if not schedule:
        print(f"{name} has no expiry schedule (deployed with ttlHours=0): nothing to fire")
        return ExitStatus.FAILED
    endpoint = session.client("sts").meta.endpoint_url
    firing = fire_schedule(
        endpoint, schedule, region=session.region_name, credentials=session.get_credentials()
    )
    print(f"Fired {name}'s expiry schedule {schedule}: {firing.outcome}. {firing.detail}")
    return ExitStatus.of(firing.outcome == "deleted")


def interrupt(args: argparse.Namespace) -> int:
    """Send a Spot interruption to an instance running on the emulator."""
    from labs.deployed.session import new_session, on_emulator
    from local_aws.client import EmulatorCallError, interrupt_spot_instance

    session = new_session()
    if not on_emulator(session):
        print(
            "labkit emulator interrupt: this shell does not point at the emulator; paste the exports "
            "`labkit emulator` printed first (on AWS, start the stack's FIS experiment: see its outputs)",
            file=sys.stderr,
        )
        return ExitStatus.CANNOT_RUN
    endpoint = session.client("sts").meta.endpoint_url
    try:
        sent = interrupt_spot_instance(
            endpoint,
            args.instance,
            region=session.region_name,
            warning_s=args.warning_seconds,
            credentials=session.get_credentials(),
        )
    except EmulatorCallError as error:
        print(f"labkit emulator interrupt: {error}", file=sys.stderr)
        return ExitStatus.FAILED
    print(
        f"Sent {' and '.join(sent.events)} for {sent.instance_id} to the default bus; EC2 "
        f"terminates it at {sent.interrupt_at} ({sent.warning_s:g} s warning, AWS: {AWS_WARNING_S} s). "
        + (
            f"Capacity rebalancing launched {sent.replacement} already."
            if sent.replacement
            else "Its group replaces it once it has terminated."
        )
    )
    return ExitStatus.PASSED
