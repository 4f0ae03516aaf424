"""`labkit coldstart`: LabColdStart's invocations as a table and a plot, read from the functions' logs.

`--invoke N` first invokes each function N times (and alias live once), so a fresh deploy shows something.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labs.coldstart.deployed import invoke, lab_functions, read_records
from labs.coldstart.render import bar_plot, invocation_table, rows_of
from labs.coldstart.spec import ALIAS, LAB_ID
from labs.deployed.session import session_from_environment
from labs.deployed.stack import load_stack
from labs.outcomes import ExitStatus
from labs.settings import owner_from_cdk_json, parse_owner
from labs.shared_facts import stack_name
from labs.terminal import make_console

HELP = f"{LAB_ID}: each function's invocations, cold and warm, as a table and a plot (from its logs)"
AWS_FAILURE = "the invocations could not be read"
DEFAULT_LAST = 6


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
    for function in functions:
        for _ in range(args.invoke):
            invoke(lambda_client, function.name)
    if args.invoke:
        invoke(lambda_client, functions[0].name, qualifier=ALIAS)
    logs = session.client("logs")
    series = [(f.role.label, read_records(logs, f.log_group)) for f in functions]
    rows = rows_of(series, args.last)
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
    return ExitStatus.PASSED
