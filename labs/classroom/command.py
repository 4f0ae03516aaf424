"""`labkit class`: a teacher's commands for a class sharing one account, driven by a roster of owner ids.

    labkit class preflight --roster FILE LAB...      will the class fit (quotas x learners, region, bootstrap)
    labkit class status    --roster FILE             each lab stack by owner: expiry, cost so far, projected
    labkit class check     --roster FILE [LAB...] --report DIR   graded checks: report.md/.csv/.xml/.html
    labkit class destroy   --roster FILE [LAB...] [--expired-only] [--yes]   delete, wait, scan for leftovers

Exit codes: 0 all is well; 1 something needs the teacher (a quota, an overdue or failed stack, a learner
who did not pass, a deletion that failed, a leftover); 2 the command could not run (a bad roster, AWS).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.prompt import Confirm

from labs.checks.waiting import EMULATOR_POLL_S, REAL_POLL_S
from labs.classroom import render
from labs.classroom.destroy import DEFAULT_TIMEOUT_S, delete_stacks, plan_destroy, scan_learners
from labs.classroom.grading import check_class
from labs.classroom.roster import DEFAULT_OWNER_COLUMN, Roster, RosterError, read_roster
from labs.classroom.sessions import DEFAULT_WORKERS, SharedSession
from labs.deployed.session import on_emulator
from labs.preflight.command import add_landing_zone_arguments
from labs.registry import check_options, lab_ids
from labs.terminal import make_console

HELP = "run a class from a roster: preflight, status with cost, graded checks with a report, clean-up"
# what a failed AWS call means for this command (labs/cli.py prints it with the error)
AWS_FAILURE = "the class command could not finish"
NEEDS_TEACHER = 1
CANNOT_RUN = 2


def lab_id(text: str) -> str:
    if text not in lab_ids():
        raise argparse.ArgumentTypeError(f"unknown lab {text!r}: choose from {', '.join(lab_ids())}")
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = __doc__
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--roster",
        type=Path,
        required=True,
        metavar="FILE",
        help="one owner id a line (# comments), or a CSV with a header and an owner column",
    )
    common.add_argument(
        "--owner-column",
        default=DEFAULT_OWNER_COLUMN,
        help=f"the CSV column that holds the owner ids (default {DEFAULT_OWNER_COLUMN!r})",
    )
    common.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help=f"AWS calls at once (default {DEFAULT_WORKERS})"
    )
    subcommands = parser.add_subparsers(dest="class_command", required=True, metavar="SUBCOMMAND")
    preflight = subcommands.add_parser(
        "preflight",
        parents=[common],
        help="will the whole class fit: quotas times the roster, region, bootstrap",
    )
    preflight.add_argument("labs", nargs="+", type=lab_id, metavar="LAB", help="the labs the class deploys")
    preflight.add_argument("--region", help="the region to check (default: the AWS CLI's region)")
    add_landing_zone_arguments(preflight)
    subcommands.add_parser(
        "status",
        parents=[common],
        help="every lab stack by owner: expiry, overdue, cost so far and projected",
    )
    check = subcommands.add_parser(
        "check", parents=[common], help="run every learner's lab check and write a graded report"
    )
    check.add_argument(
        "labs", nargs="*", type=lab_id, metavar="LAB", help="labs to grade (default: those anyone deployed)"
    )
    check.add_argument("--report", type=Path, required=True, metavar="DIR", help="where the reports go")
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
    destroy.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds to wait for the deletions (default {DEFAULT_TIMEOUT_S:.0f})",
    )


def run(args: argparse.Namespace) -> int:
    console = make_console()
    try:
        roster = read_roster(args.roster, owner_column=args.owner_column)
    except RosterError as error:
        print(f"labkit class: {error}", file=sys.stderr)
        return CANNOT_RUN
    if args.workers < 1:
        print("labkit class: --workers must be 1 or more", file=sys.stderr)
        return CANNOT_RUN
    commands = {"preflight": run_preflight, "status": run_status, "check": run_check, "destroy": run_destroy}
    code: int = commands[args.class_command](args, roster, console)
    return code


class Bar:
    """A progress bar on a terminal (silent elsewhere): `total(n)` once known, `advance()` per item."""

    def __init__(self, progress: Progress, description: str) -> None:
        self._progress = progress
        self._task = progress.add_task(description, total=None)

    def total(self, count: int) -> None:
        self._progress.update(self._task, total=count)

    def advance(self, *_done: Any) -> None:
        self._progress.advance(self._task)


@contextmanager
def progress_bar(console: Console, description: str) -> Iterator[Bar]:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    progress = Progress(
        *columns, TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal
    )
    with progress:
        yield Bar(progress, description)


def run_preflight(args: argparse.Namespace, roster: Roster, console: Console) -> int:
    from labs.classroom.preflight import class_needs, class_quota_lines, once_each
    from labs.cost.prices import load_prices
    from labs.preflight.command import landing_zone_lines, landing_zone_settings
    from labs.preflight.quotas import ServiceQuotasSource
    from labs.preflight.results import exit_code

    session = SharedSession(region_name=args.region)
    region = session.region_name
    if not region:
        print("labkit class preflight: no region: pass --region or set AWS_REGION", file=sys.stderr)
        return CANNOT_RUN
    labs = tuple(dict.fromkeys(args.labs))
    bootstrap, boundary, zone = landing_zone_settings(args)
    with console.status("synthesizing the labs (what one learner needs)"):
        from labs.cost.synth import synthesize_labs

        templates = synthesize_labs(with_cdk_defaults=False).kit
    per_lab = [
        landing_zone_lines(
            session,
            lab_id=lab_id,
            template=templates[lab_id],
            region=region,
            bootstrap=bootstrap,
            boundary=boundary,
            zone=zone,
        )
        for lab_id in labs
    ]
    lines = once_each(line for lab_lines in per_lab for line in lab_lines)
    if not lines[0].blocks:  # a denied region: nothing else can be read
        needs = class_needs(templates, labs, load_prices())
        quotas = ServiceQuotasSource(session.client("service-quotas"))
        lines += class_quota_lines(needs, len(roster), ec2=session.client("ec2"), quotas=quotas)
    title = (
        f"Class preflight: {len(roster)} learners, each with {', '.join(labs)} deployed at once, in {region}"
    )
    console.print(render.preflight_table(title, lines))
    code = exit_code(lines)
    blockers = sum(1 for line in lines if line.blocks)
    if code:
        console.print(
            f"[bold red]{blockers} blocker(s)[/]: fix the lines marked fail before the class deploys"
        )
    else:
        console.print(f"[green]the class fits[/] ({len(roster)} learners, {', '.join(labs)})")
    return code


def run_status(args: argparse.Namespace, roster: Roster, console: Console) -> int:
    from labs.classroom.status import read_class_status
    from labs.cost.prices import load_prices

    session = SharedSession()
    now = datetime.now(UTC)
    with progress_bar(console, "reading the class's lab stacks") as bar:
        status = read_class_status(
            session,
            roster,
            now=now,
            prices=load_prices(),
            workers=args.workers,
            on_listed=bar.total,
            on_done=bar.advance,
        )
    console.print(
        render.status_table(f"Lab stacks of {roster.path.name} at {now:%Y-%m-%d %H:%M}", status.stacks, now)
    )
    if status.strangers:
        console.print(
            render.status_table("Lab stacks whose owner is not on the roster", status.strangers, now)
        )
    for note in render.status_notes(status):
        console.print(escape(note))
    for problem in status.attention:
        console.print(f"[bold red]needs you:[/] {escape(problem)}")
    console.print(render.status_totals(status))
    return NEEDS_TEACHER if status.attention else 0


def run_check(args: argparse.Namespace, roster: Roster, console: Console) -> int:
    from labs.classroom.reports import write_reports
    from labs.classroom.reports.labels import totals

    session = SharedSession()
    options = {option.keyword: bool(getattr(args, option.keyword)) for _, option in check_options()}
    with progress_bar(console, "checking the class's labs") as bar:
        grid = check_class(
            session,
            roster,
            labs=tuple(dict.fromkeys(args.labs)),
            on_emulator=on_emulator(session),
            checked_at=datetime.now(UTC),
            options=options,
            timeout_s=args.timeout,
            workers=args.workers,
            on_planned=bar.total,
            on_done=bar.advance,
        )
    written = write_reports(grid, args.report)
    console.print(render.grid_table(grid))
    console.print(f"Reports: {', '.join(str(path) for path in written)}")
    style = "green" if grid.all_passed else "bold red"
    console.print(f"[{style}]{totals(grid)}[/]")
    return 0 if grid.all_passed else NEEDS_TEACHER


def run_destroy(args: argparse.Namespace, roster: Roster, console: Console) -> int:
    session = SharedSession()
    labs = tuple(dict.fromkeys(args.labs)) or lab_ids()
    now = datetime.now(UTC)
    with console.status("finding the roster's lab stacks"):
        plan = plan_destroy(
            session, roster, labs=labs, expired_only=args.expired_only, now=now, workers=args.workers
        )
    for listing in plan.not_kit:
        console.print(f"left alone: {escape(listing.name)} is named like a lab but has not the kit's tags")
    if plan.not_expired:
        console.print(f"left alone: {len(plan.not_expired)} lab stack(s) within their time (--expired-only)")
    deletions = []
    if plan.targets:
        console.print(render.plan_table(f"To delete: {len(plan.targets)} lab stack(s)", plan.targets))
        if not args.yes:
            if not sys.stdin.isatty():
                print("labkit class destroy: nobody can answer here: pass --yes to delete", file=sys.stderr)
                return CANNOT_RUN
            if not Confirm.ask(f"Delete these {len(plan.targets)} stacks?", console=console, default=False):
                console.print("Nothing deleted.")
                return NEEDS_TEACHER
        poll_s = EMULATOR_POLL_S if on_emulator(session) else REAL_POLL_S
        with progress_bar(console, "deleting the lab stacks") as bar:
            bar.total(len(plan.targets))
            deletions = delete_stacks(
                session,
                plan.targets,
                timeout_s=args.timeout,
                poll_s=poll_s,
                workers=args.workers,
                on_done=bar.advance,
            )
    else:
        console.print("No lab stack of the roster to delete.")
    with progress_bar(console, "scanning each learner for leftovers") as bar:
        bar.total(len(roster))
        leftovers = scan_learners(
            session, roster.owners, labs=labs, workers=args.workers, on_done=bar.advance
        )
    if deletions:
        console.print(render.deletions_table(deletions))
    console.print(render.leftovers_by_learner_table(leftovers))
    failed = [d for d in deletions if not d.deleted]
    dirty = [owner for owner, found in leftovers.items() if found]
    if failed or dirty:
        console.print(
            f"[bold red]{len(failed)} deletion(s) failed, {len(dirty)} learner(s) left something behind[/]: "
            "fix each reason above, then run this destroy again (`labkit leftovers --owner OWNER` lists each)"
        )
        return NEEDS_TEACHER
    console.print(
        f"[green]{len(deletions)} lab stack(s) deleted; nothing left behind by {len(roster)} learners[/]"
    )
    return 0
