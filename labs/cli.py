"""`labkit`: check a lab, scan for leftovers, price the labs, check quotas, rehearse on the emulator.

Each subcommand lives in its own module exposing HELP, add_arguments(parser) and run(args) -> exit code;
this file only dispatches, so `labkit check` never pays for importing the CDK.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from labs.settings import SettingsError

COMMANDS = {
    "check": "labs.lab_checks",
    "leftovers": "labs.leftovers",
    "cost": "labs.cost",
    "preflight": "labs.preflight",
    "demo": "labs.demo",
    "emulator": "labs.emulator.command",
}


def _command(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="labkit", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = _command(name)
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except SettingsError as error:
        print(f"labkit: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("labkit: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
