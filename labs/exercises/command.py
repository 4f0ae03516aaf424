"""`labkit exercise LAB`: write the lab's starter into the learner's folder and say what to do next."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labs.exercises.starters import StarterExistsError, starter
from labs.outcomes import ExitStatus
from labs.registry import lab_ids
from labs.settings import DEFAULT_MY_LABS, parse_owner
from labs.terminal import make_console

HELP = "write a lab's starter (a stack or a handler with the hands-on's steps as TODOs) for you to complete"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `labkit exercise`."""
    parser.add_argument("lab", choices=lab_ids(), metavar="LAB", help=f"the lab: {', '.join(lab_ids())}")
    parser.add_argument(
        "--dir",
        type=Path,
        default=DEFAULT_MY_LABS,
        help=f"your folder (default {DEFAULT_MY_LABS}/, which git ignores in this repository)",
    )
    parser.add_argument("--owner", help="the owner you deploy with (-c owner=...), put into the commands")
    parser.add_argument("--force", action="store_true", help="overwrite your file with the starter again")


def run(args: argparse.Namespace) -> int:
    """Write a lab's exercise starter for the learner; the exit status."""
    chosen = starter(args.lab)
    owner = parse_owner(args.owner) if args.owner else None
    try:
        path = chosen.write(args.dir, owner=owner, force=args.force)
    except StarterExistsError as error:
        print(f"labkit: {error}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    console = make_console()
    console.print(f"Wrote the {args.lab} starter: [bold]{path}[/bold]", soft_wrap=True)
    for number, (what, command) in enumerate(chosen.next_steps(args.dir, owner), start=1):
        # whole commands on lines of their own, never cut by the terminal's width: they are copied
        console.print(f"{number}. {what}:", soft_wrap=True)
        console.print(f"   {command}", style="cyan", soft_wrap=True, markup=False, highlight=False)
    return ExitStatus.PASSED
