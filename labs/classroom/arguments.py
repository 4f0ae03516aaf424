"""`labkit class`'s options: those every subcommand shares (the roster, where learners work, the cap,
how many AWS calls at once) and each subcommand's own."""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from labs.classroom.destroy import DEFAULT_TIMEOUT_S
from labs.classroom.rehearsal import REHEARSAL_EXTERNAL_ID
from labs.classroom.roster import DEFAULT_OWNER_COLUMN
from labs.classroom.sessions import DEFAULT_WORKERS
from labs.preflight.command import add_landing_zone_arguments
from labs.regions import region_problem
from labs.registry import check_options
from labs.registry import lab_argument as lab_id
from labs.settings import SettingsError, parse_owner
from labs.teacher_access.facts import EXTERNAL_ID


def usd_per_hour(text: str) -> float:
    """A cost cap given on the command line, in USD per hour."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < math.inf:  # nan and inf too: a cap of inf would never trip
        raise argparse.ArgumentTypeError(f"{text!r} is not a spend in USD per hour (for example 0.50)")
    return value


def external_id(text: str) -> str:
    """A class's sts:ExternalId given on the command line."""
    if not EXTERNAL_ID.match(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an sts:ExternalId: 2-1224 letters, digits and _+=,.@:/-"
        )
    return text


def report_folder(text: str) -> Path:
    """`--report DIR`: a folder the reports can be written to, known before any check runs (a check may
    terminate instances and interrupt Spot capacity: its grades must not be lost to a path that is a file)."""
    folder = Path(text)
    existing = next(path for path in (folder, *folder.parents) if path.exists() or path == Path(path.anchor))
    if not existing.is_dir():
        raise argparse.ArgumentTypeError(f"{existing} is a file, not a folder: name a folder for the reports")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{existing} is not writable: name a folder you can write to")
    return folder


def region_names(text: str) -> list[str]:
    """`--scan-regions us-east-1,eu-west-1`: region names, comma-separated."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one region, e.g. us-east-1,eu-west-1")
    for name in names:
        region_name(name)
    return names


def region_name(text: str) -> str:
    """`--region eu-west-1`: an AWS region's name, a typo named before any call."""
    problem = region_problem(text.strip())
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text.strip()


def add_spend_arguments(parser: argparse.ArgumentParser) -> None:
    """How `status` and `guard` read spend: exemptions and the regions scanned."""
    parser.add_argument(
        "--exempt",
        action="append",
        default=[],
        metavar="ID_OR_NAME",
        help="a running resource (id, ARN or Name tag) that counts against no cap, shown as exempt; repeat "
        "it or separate with commas (what the kit cannot price counts as over the cap unless exempted)",
    )
    parser.add_argument(
        "--scan-regions",
        type=region_names,
        metavar="R1,R2",
        help="read only these regions (default: every region each account has enabled); the others are "
        "named as not scanned",
    )


def exemptions(values: list[str]) -> frozenset[str]:
    """The --exempt values, each comma-separated list split."""
    return frozenset(name.strip() for value in values for name in value.split(",") if name.strip())


def common_arguments() -> argparse.ArgumentParser:
    """The options every `labkit class` subcommand takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--roster",
        type=Path,
        required=True,
        metavar="FILE",
        help="one owner id a line (# comments), optionally with an account id and role=, region=, cap=, "
        "external-id=; or a CSV with a header, an owner column and optional account, role, region, cap, "
        "external-id columns",
    )
    common.add_argument(
        "--owner-column",
        default=DEFAULT_OWNER_COLUMN,
        help=f"the CSV column that holds the owner ids (default {DEFAULT_OWNER_COLUMN!r})",
    )
    common.add_argument(
        "--role",
        metavar="NAME",
        help="the role to assume in each learner's account, for lines that name none",
    )
    common.add_argument(
        "--external-id",
        type=external_id,
        metavar="ID",
        help="the class's sts:ExternalId, for lines that name none (default: cdk.json's classExternalId, "
        "as the teacher-access stack was deployed with)",
    )
    common.add_argument(
        "--no-source-identity",
        dest="source_identity",
        action="store_false",
        help="assume the roles without naming the teacher as SourceIdentity: for roles that do not allow "
        "sts:SetSourceIdentity (the teacher-access stack's role requires it)",
    )
    common.add_argument(
        "--region",
        type=region_name,
        help="the region where learners work, for lines that name none (default: the AWS CLI's)",
    )
    common.add_argument(
        "--cap",
        type=usd_per_hour,
        metavar="USD",
        help="each learner's spend cap in USD per hour, for lines that name none (default: no cap)",
    )
    common.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help=f"AWS calls at once (default {DEFAULT_WORKERS})"
    )
    return common


def add_subcommands(parser: argparse.ArgumentParser) -> None:
    """The subcommands of `labkit class` and their options."""
    common = common_arguments()
    subcommands = parser.add_subparsers(dest="class_command", required=True, metavar="SUBCOMMAND")
    preflight = subcommands.add_parser(
        "preflight",
        parents=[common],
        help="will the whole class fit: quotas times the roster, region, bootstrap, in every account",
    )
    preflight.add_argument("labs", nargs="+", type=lab_id, metavar="LAB", help="the labs the class deploys")
    add_landing_zone_arguments(preflight)
    status = subcommands.add_parser(
        "status",
        parents=[common],
        help="every lab stack by owner: expiry, overdue, cost; each learner's running spend against the cap",
    )
    add_spend_arguments(status)
    check = subcommands.add_parser(
        "check", parents=[common], help="run every learner's lab check and write graded reports"
    )
    check.add_argument(
        "labs", nargs="*", type=lab_id, metavar="LAB", help="labs to grade (default: those anyone deployed)"
    )
    check.add_argument(
        "--report", type=report_folder, required=True, metavar="DIR", help="where the reports go (a folder)"
    )
    for declaring, option in check_options():
        check.add_argument(
            option.flag, action="store_true", help=f"{declaring.lab_id} only, opt-in: {option.help}"
        )
    check.add_argument("--timeout", type=float, default=None, help="seconds each check may wait for a result")
    destroy = subcommands.add_parser(
        "destroy",
        parents=[common],
        help="delete the roster's lab stacks, wait, then scan each learner for leftovers",
    )
    destroy.add_argument("labs", nargs="*", type=lab_id, metavar="LAB", help="only these labs (default: all)")
    destroy.add_argument(
        "--expired-only", action="store_true", help="only stacks past their expiry (overdue)"
    )
    destroy.add_argument("--yes", action="store_true", help="do not ask before deleting")
    guard = subcommands.add_parser(
        "guard",
        parents=[common],
        help="learners whose running resources cost more per hour than their cap, and overdue lab stacks; "
        "--enforce destroys their lab stacks",
    )
    guard.add_argument(
        "--enforce",
        action="store_true",
        help="destroy the lab stacks of each learner strictly over the cap and every overdue lab stack (no "
        "question asked: for a schedule), then read the account again to verify",
    )
    add_spend_arguments(guard)
    add_learner_account(subcommands)
    for sub in (destroy, guard):
        sub.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT_S,
            help=f"seconds to wait for the deletions (default {DEFAULT_TIMEOUT_S:.0f})",
        )


def owner_id(text: str) -> str:
    """An owner id given on the command line, checked as -c owner= is."""
    try:
        owner = parse_owner(text)
    except SettingsError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if owner is None:
        raise argparse.ArgumentTypeError("an owner id cannot be empty")
    return owner


def add_learner_account(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`labkit class learner-account`: the emulator's learner accounts (no roster to read: it writes one)."""
    accounts = subcommands.add_parser(
        "learner-account",
        help="on the emulator: a new account per learner with the teacher-access stack in it, and its "
        "roster line",
    )
    accounts.add_argument("owners", nargs="+", type=owner_id, metavar="OWNER", help="the learners' owner ids")
    accounts.add_argument(
        "--external-id",
        type=external_id,
        metavar="ID",
        help="the class's sts:ExternalId (default: cdk.json's classExternalId, else "
        f"{REHEARSAL_EXTERNAL_ID})",
    )
    accounts.add_argument(
        "--teacher-principal",
        action="append",
        default=[],
        metavar="ARN",
        help="a role or user ARN the teacher's role trusts (default: yours, from sts:GetCallerIdentity)",
    )
    accounts.add_argument(
        "--roster",
        type=Path,
        metavar="FILE",
        help="append the learners' lines to this roster (a new file starts with the settings line)",
    )
    accounts.add_argument("--region", type=region_name, help="the learners' region (default: the emulator's)")
