"""`labkit coldstart`: LabColdStart's invocations as a table and a plot, read from the functions' logs.

`--invoke N` first invokes each function N times (and alias live once), so a fresh deploy shows something.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from labs.checks.waiting import Waiter
from labs.coldstart.deployed import DeployedFunction, invoke, lab_functions, read_records
from labs.coldstart.logs import InvocationRecord
from labs.coldstart.render import bar_plot, invocation_table, rows_of
from labs.coldstart.spec import ALIAS, LAB_ID
from labs.deployed.session import on_emulator, session_from_environment
from labs.deployed.stack import load_stack
from labs.outcomes import ExitStatus
from labs.settings import owner_from_cdk_json, parse_owner
from labs.shared_facts import stack_name
from labs.terminal import make_console

if TYPE_CHECKING:
    import boto3

HELP = f"{LAB_ID}: each function's invocations, cold and warm, as a table and a plot (from its logs)"
AWS_FAILURE = "the invocations could not be read"
DEFAULT_LAST = 6
# how long to wait for the invocations just made to reach the logs
LOG_WAIT_S = 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `labkit coldstart`."""
    parser.add_argument("--owner", help="the owner the lab was deployed with (default: cdk.json's owner)")
    parser.add_argument("--stack", help=f"the stack to read instead of {LAB_ID} (or <owner>-{LAB_ID})")
    parser.add_argument(
        "--invoke",
        type=int,
        default=0,
        metavar="N",
        help="invoke each function N times first (and alias live)",
    )
    parser.add_argument(
        "--last",
        type=int,
        default=DEFAULT_LAST,
        help=f"invocations shown per function (default {DEFAULT_LAST})",
    )


def run(args: argparse.Namespace) -> int:
    """Invoke the lab's functions when asked, then print their cold and warm starts; the exit status."""
    if args.invoke < 0 or args.last < 1:
        print("labkit coldstart: --invoke must be 0 or more and --last 1 or more", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    owner = parse_owner(args.owner) if args.owner else owner_from_cdk_json(Path.cwd())
    name = args.stack or stack_name(LAB_ID, owner)
    session = session_from_environment()
    stack = load_stack(session, name)
    if stack is None:
        print(f"labkit coldstart: no stack {name} here: deploy it (cdk deploy {LAB_ID})", file=sys.stderr)
        return ExitStatus.FAILED
    lambda_client = session.client("lambda")
    functions, missing = lab_functions(lambda_client, stack)
    if missing:
        print(f"labkit coldstart: {name} has no {', '.join(missing)} function", file=sys.stderr)
        return ExitStatus.FAILED
    made = {
        invoke(lambda_client, function.name).request_id for function in functions for _ in range(args.invoke)
    }
    if args.invoke:
        made.add(invoke(lambda_client, functions[0].name, qualifier=ALIAS).request_id)
    made.discard("")
    series = read_series(session, functions, made)
    rows = rows_of(series, args.last, also=made)
    console = make_console()
    if not rows:
        console.print("No invocations in the logs yet: `labkit coldstart --invoke 2` invokes each function.")
        return ExitStatus.PASSED
    console.print(invocation_table(rows))
    for line in bar_plot(rows):
        console.print(line)
    console.print(
        "A cold start pays init before its handler runs; a warm one reuses the environment. "
        f"Alias {ALIAS}'s invocations show in the light function's rows."
    )
    failed = [
        (f, row) for f in functions for row in rows if row.function == f.role.label and row.record.failed
    ]
    if failed:
        function, row = max(failed, key=lambda pair: pair[1].record.timestamp_ms)
        console.print(
            f"{len(failed)} of these invocations failed; the latest, {row.function} #{row.index}: "
            f"{row.record.error}. Its log: aws logs tail {function.log_group} --since 1h"
        )
    # the exit status says whether what this command invoked worked, not what failed earlier
    return ExitStatus.of(not any(row.record.request_id in made for _, row in failed))


def read_series(
    session: boto3.Session, functions: list[DeployedFunction], made: set[str]
) -> list[tuple[str, list[InvocationRecord]]]:
    """Each function's records, once the logs show the invocations just made (AWS delivers in seconds)."""
    logs = session.client("logs")
    series: list[tuple[str, list[InvocationRecord]]] = []

    def probe() -> tuple[bool | None, str]:
        series[:] = [(f.role.label, read_records(logs, f.log_group)) for f in functions]
        seen = {record.request_id for _, records in series for record in records}
        waiting = len(made - seen)
        return (True if waiting == 0 else None), f"{waiting} invocations not in the logs yet"

    Waiter.for_run(on_emulator=on_emulator(session), timeout_s=LOG_WAIT_S).until(
        probe, what="reading the functions' logs"
    )
    return series
