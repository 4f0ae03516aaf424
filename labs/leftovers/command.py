"""`labkit leftovers`: list what the labs left behind in this account and region."""

from __future__ import annotations

import argparse

from labs.deployed.session import session_from_environment
from labs.leftovers.account import account_notes
from labs.leftovers.model import Scope
from labs.leftovers.render import print_leftovers
from labs.leftovers.scan import scan_leftovers
from labs.outcomes import ExitStatus
from labs.registry import lab_ids
from labs.settings import parse_owner
from labs.terminal import make_console

HELP = "list what the labs left behind in this account and region (tags plus per-type listings)"
# what a failed AWS call means for this command (labs/cli.py prints it with the error)
AWS_FAILURE = "the scan could not finish, so it cannot say nothing is left"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `labkit leftovers`."""
    parser.add_argument(
        "lab", nargs="?", choices=lab_ids(), metavar="LAB", help="only this lab (default: all)"
    )
    parser.add_argument("--owner", help="only this owner's labs (default: every owner)")
    parser.add_argument(
        "--include-untagged",
        action="store_true",
        default=None,
        help="also count untagged Elastic IPs, volumes and interfaces attached to nothing "
        "(always on against the emulator)",
    )


def run(args: argparse.Namespace) -> int:
    """Scan the account for what the labs left behind and print it; the exit status."""
    owner = parse_owner(args.owner)
    scope = Scope(labs=(args.lab,) if args.lab else lab_ids(), owner=owner)
    session = session_from_environment()
    leftovers = scan_leftovers(session, lab_id=args.lab, owner=owner, include_untagged=args.include_untagged)
    # notes are known, free account-level items: shown, never a reason to exit 1
    print_leftovers(
        leftovers,
        scope.description,
        make_console(),
        notes=account_notes(session, scope),
        region=session.region_name,
    )
    return ExitStatus.of(not leftovers)
