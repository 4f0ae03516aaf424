"""`labkit`: check a lab, write a lab's starter, scan for leftovers, price, check quotas, rehearse, a class.

Each command lives in its own room as a `command` module exposing HELP, add_arguments(parser) and
run(args) -> exit code, and may name what a failed AWS call means for it (AWS_FAILURE). This file only
dispatches, and turns the errors every command can meet into one message and one exit code (2).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from labs.cdk_kernel import own_session
from labs.checks import command as check_command
from labs.classroom import command as class_command
from labs.cost import command as cost_command
from labs.demo import command as demo_command
from labs.deployed.session import aws_failure
from labs.emulator import command as emulator_command
from labs.emulator.env_file import shell_problem
from labs.exercises import command as exercise_command
from labs.leftovers import command as leftovers_command
from labs.outcomes import ExitStatus
from labs.preflight import command as preflight_command
from labs.registry import all_labs
from labs.settings import SettingsError
from labs.watch import command as watch_command

# commands that call no AWS of their own (`labkit emulator` with no action starts one; the demo its own)
OFFLINE = frozenset({"exercise", "cost", "demo"})

COMMANDS: dict[str, ModuleType] = {
    "check": check_command,
    "exercise": exercise_command,
    "leftovers": leftovers_command,
    "cost": cost_command,
    "preflight": preflight_command,
    "demo": demo_command,
    "emulator": emulator_command,
    "class": class_command,
    "watch": watch_command,
}


def commands() -> dict[str, ModuleType]:
    """The kit's commands, then each lab's own (its descriptor's `commands`), in the chapter's order."""
    found = dict(COMMANDS)
    for described in all_labs().values():
        found.update(described.command_modules())
    return found


def labs_epilog() -> str:
    """The labs `labkit --help` lists: every lab folder the registry found, with what it builds."""
    lines = [f"  {described.lab_id:<16} {described.title}" for described in all_labs().values()]
    return "labs (each a folder of labs/, found by the registry):\n" + "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """`labkit`'s parser: one subcommand per command module, the labs listed after the commands."""
    parser = argparse.ArgumentParser(
        prog="labkit",
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog=labs_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in commands().items():
        sub = subcommands.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run, aws_failure=getattr(module, "AWS_FAILURE", ""), parser=sub)
    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; an option the command does not take is named by that command's usage, with the
    nearest option it does take (argparse alone prints labkit's top-level usage)."""
    args, unknown = build_parser().parse_known_args(argv)
    if unknown:
        sub: argparse.ArgumentParser = args.parser
        options = [o for action in sub._actions for o in action.option_strings]  # argparse has no public list
        near = difflib.get_close_matches(unknown[0].partition("=")[0], options, n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        sub.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `labkit` command; its exit code: 0 passed, 1 the lab or scan failed, 2 it could not run."""
    args = parse(argv)
    offline = args.command in OFFLINE or (args.command == "emulator" and not args.action)
    problem = None if offline else shell_problem(os.environ)
    if problem:  # instead of "configure AWS credentials", or retries against a stopped emulator
        print(f"labkit: {problem}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    try:
        with own_session(os.environ):  # Ctrl-C during an in-process synth: one line, no Node traceback
            code: int = args.run(args)
    except SettingsError as error:
        print(f"labkit: {error}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    except KeyboardInterrupt:
        print("labkit: interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    except Exception as error:
        reason = aws_failure(error)
        if reason is None:
            raise
        consequence = f" ({args.aws_failure})" if args.aws_failure else ""
        print(f"labkit {args.command}: {reason}{consequence}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    return code


if __name__ == "__main__":
    sys.exit(main())
