"""`labkit class`: a teacher's commands for a class, driven by a roster of owner ids: in one shared account,
or each learner in an account of their own, reached through a role.

    labkit class preflight --roster FILE LAB...      will the class fit (quotas x learners, region, bootstrap)
    labkit class status    --roster FILE             lab stacks by owner: expiry, cost; spend now vs the cap
    labkit class check     --roster FILE [LAB...] --report DIR   graded checks: report.md/.csv/.xml/.html,
                                                     gradescope/<owner>/results.json (or NOT_GRADED.txt)
    labkit class destroy   --roster FILE [LAB...] [--expired-only] [--yes]   delete, wait, scan for leftovers
    labkit class guard     --roster FILE [--cap USD] [--enforce] [--exempt ID]   who is over the cap or
                                                     overdue; destroy, verify
    labkit class learner-account OWNER... [--roster FILE]   on the emulator: accounts with the teacher role

Exit codes: 0 all is well; 1 something needs the teacher (a quota, an overdue or failed stack, a learner
who did not pass, a deletion that failed, a leftover, a learner over the cap or not reached); 2 the command
could not run (a bad roster, AWS).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from rich.console import Console
from rich.markup import escape
from rich.prompt import Confirm

from labs.checks.waiting import EMULATOR_POLL_S, REAL_POLL_S
from labs.classroom import render
from labs.classroom.accounts import TEACHER_NAME, ClassReach, configured_external_id, reach_class
from labs.classroom.arguments import add_subcommands
from labs.classroom.destroy import delete_stacks, plan_destroy, scan_learners
from labs.classroom.grading import check_class
from labs.classroom.roster import Placement, RosterError, read_roster
from labs.classroom.sessions import run_bounded
from labs.deployed.session import on_emulator, session_from_environment
from labs.outcomes import ExitStatus
from labs.regions import region_problem
from labs.registry import check_options, lab_ids
from labs.terminal import make_console, progress_bar

HELP = "run a class from a roster: preflight, status with cost, graded checks with a report, clean-up"
# what a failed AWS call means for this command (labs/cli.py prints it with the error)
AWS_FAILURE = "the class command could not finish"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The subcommands and options of `labkit class`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = __doc__
    add_subcommands(parser)


def run(args: argparse.Namespace) -> int:
    """Run one `labkit class` subcommand over the roster; the exit status."""
    console = make_console()
    if args.class_command == "learner-account":
        return run_learner_account(args, console)
    defaults = Placement(
        role=args.role, cap_usd_per_hour=args.cap, external_id=args.external_id or configured_external_id()
    )
    try:
        roster = read_roster(args.roster, owner_column=args.owner_column, defaults=defaults)
    except RosterError as error:
        print(f"labkit class: {error}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    if args.workers < 1:
        print("labkit class: --workers must be 1 or more", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    commands = {
        "preflight": run_preflight,
        "status": run_status,
        "check": run_check,
        "destroy": run_destroy,
        "guard": run_guard,
    }
    base = session_from_environment(args.region)
    named = args.region or base.region_name  # AWS_REGION may hold a typo: one line, not a connection error
    problem = region_problem(named) if named else None
    if not named and not all(learner.placement.region for learner in roster.learners):
        problem = "no region"
    if problem:
        print(
            f"labkit class {args.class_command}: {problem}: pass --region or set AWS_REGION", file=sys.stderr
        )
        return ExitStatus.CANNOT_RUN
    with console.status("reaching each learner's account"):
        reach = reach_class(
            base,
            roster,
            region=args.region,
            workers=args.workers,
            source=TEACHER_NAME if args.source_identity else None,
        )
    code: int = commands[args.class_command](args, reach, console)
    return code


def run_preflight(args: argparse.Namespace, reach: ClassReach, console: Console) -> int:
    """`labkit class preflight`: check every learner's place can run the labs."""
    from labs.classroom.preflight import place_lines, unreachable_line
    from labs.cost.prices import load_prices
    from labs.preflight.command import landing_zone_settings
    from labs.preflight.results import CANNOT_TELL, exit_code

    roster = reach.roster
    labs = tuple(dict.fromkeys(args.labs))
    bootstrap, boundary, zone = landing_zone_settings(args)
    with console.status("synthesizing the labs (what one learner needs)"):
        from labs.cost.synth import synthesize_labs

        templates = synthesize_labs(with_cdk_defaults=False).kit
    prices = load_prices()
    groups = list(reach.groups())
    per_place = run_bounded(
        groups,
        lambda group: place_lines(
            group[0],
            len(group[1]),
            labs=labs,
            templates=templates,
            prices=prices,
            bootstrap=bootstrap,
            boundary=boundary,
            zone=zone,
            label=roster.across_accounts,
        ),
        workers=args.workers,
    )
    lines = [line for found in per_place for line in found]
    lines += [unreachable_line(reach.unreachable[o]) for o in roster.owners if o in reach.unreachable]
    where = (
        ", ".join(sorted({place.label for place, _ in groups}))
        if roster.across_accounts
        else groups[0][0].region
        if groups
        else "?"
    )
    title = (
        f"Class preflight: {len(roster)} learners, each with {', '.join(labs)} deployed at once, in {where}"
    )
    console.print(render.preflight_table(title, lines))
    blockers = [line for line in lines if line.blocks]
    unknown = [line for line in lines if line.status is CANNOT_TELL]
    if blockers:
        console.print(render.blockers_table(blockers))
    console.print(render.preflight_verdict(blockers, unknown, learners=len(roster), labs=", ".join(labs)))
    return exit_code(lines)


def run_status(args: argparse.Namespace, reach: ClassReach, console: Console) -> int:
    """`labkit class status`: the class's lab stacks, their expiry and cost."""
    from labs.classroom.arguments import exemptions
    from labs.classroom.status import read_class_status
    from labs.cost.prices import load_prices

    roster = reach.roster
    now = datetime.now(UTC)
    with progress_bar(console, "reading the class's lab stacks") as bar:
        status = read_class_status(
            reach,
            now=now,
            prices=load_prices(),
            workers=args.workers,
            on_listed=bar.total,
            on_done=bar.advance,
            exempt=exemptions(args.exempt),
            scan_regions=args.scan_regions,
        )
    title = f"Lab stacks of {roster.path.name} at {now:%Y-%m-%d %H:%M}"
    console.print(render.status_view(title, status.stacks, now))
    if status.strangers:
        strangers = "Lab stacks whose owner is not on the roster"
        console.print(render.status_view(strangers, status.strangers, now))
    console.print(render.spend_table(status))
    for note in render.status_notes(status):
        console.print(escape(note))
    for problem in status.attention:
        console.print(f"[bold red]needs you:[/] {escape(problem)}")
    console.print(render.status_totals(status))
    return ExitStatus.FAILED if status.attention else ExitStatus.PASSED


def run_check(args: argparse.Namespace, reach: ClassReach, console: Console) -> int:
    """`labkit class check`: check every learner's labs and write the grades."""
    from labs.classroom.reports import gradescope, write_reports
    from labs.classroom.reports.labels import totals

    options = {option.keyword: bool(getattr(args, option.keyword)) for _, option in check_options()}
    with progress_bar(console, "checking the class's labs") as bar:
        grid = check_class(
            reach,
            labs=tuple(dict.fromkeys(args.labs)),
            on_emulator=on_emulator(next((place.session for place in reach.places.values()), None)),
            checked_at=datetime.now(UTC),
            options=options,
            timeout_s=args.timeout,
            workers=args.workers,
            on_planned=bar.total,
            on_done=bar.advance,
        )
    written = write_reports(grid, args.report)
    console.print(render.grid_table(grid))
    for away in reach.unreachable.values():
        console.print(f"[bold red]not reached:[/] {escape(away.line)}")
    per_learner = {gradescope.FILE, gradescope.NOT_GRADED_FILE}
    shown = [str(path) for path in written if path.name not in per_learner]
    graded = sum(1 for path in written if path.name == gradescope.FILE)
    shown.append(f"{args.report / gradescope.FOLDER}/<owner>/{gradescope.FILE} ({graded} learners)")
    console.print(f"Reports: {', '.join(shown)}")
    unsure = [path.parent.name for path in written if path.name == gradescope.NOT_GRADED_FILE]
    if unsure:
        console.print(
            f"[bold red]not graded[/] (no {gradescope.FILE}, a lab could not be checked; "
            f"{gradescope.NOT_GRADED_FILE} says why): {escape(', '.join(unsure))}"
        )
    style = "green" if grid.all_passed else "bold red"
    console.print(f"[{style}]{totals(grid)}[/]")
    return ExitStatus.of(grid.all_passed)


def run_destroy(args: argparse.Namespace, reach: ClassReach, console: Console) -> int:
    """`labkit class destroy`: delete the class's lab stacks, after showing the plan; then name what still
    bills that no lab stack made."""
    from labs.classroom.billing import still_billing
    from labs.classroom.status import read_class_status
    from labs.cost.prices import load_prices

    roster = reach.roster
    labs = tuple(dict.fromkeys(args.labs)) or lab_ids()
    now = datetime.now(UTC)
    with console.status("finding the roster's lab stacks"):
        plan = plan_destroy(reach, labs=labs, expired_only=args.expired_only, now=now, workers=args.workers)
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
                return ExitStatus.CANNOT_RUN
            if not Confirm.ask(f"Delete these {len(plan.targets)} stacks?", console=console, default=False):
                console.print("Nothing deleted.")
                return ExitStatus.FAILED
        session = next(iter(reach.places.values())).session
        poll_s = EMULATOR_POLL_S if on_emulator(session) else REAL_POLL_S
        with progress_bar(console, "deleting the lab stacks") as bar:
            bar.total(len(plan.targets))
            deletions = delete_stacks(
                session,
                plan.targets,
                sessions=plan.sessions,
                timeout_s=args.timeout,
                poll_s=poll_s,
                workers=args.workers,
                on_done=bar.advance,
            )
    else:
        console.print("No lab stack of the roster to delete.")
    with progress_bar(console, "scanning each learner for leftovers") as bar:
        bar.total(len(roster))
        leftovers = scan_learners(reach, roster.owners, labs=labs, workers=args.workers, on_done=bar.advance)
    with console.status("reading what still bills, as class status does"):
        billing = still_billing(read_class_status(reach, now=now, prices=load_prices(), workers=args.workers))
    if deletions:
        render.print_deletions(console, deletions)
    console.print(render.leftovers_by_learner_table(leftovers))
    if billing:
        console.print(render.billing_table(billing))
    for away in reach.unreachable.values():
        console.print(f"[bold red]not reached:[/] {escape(away.line)}")
    failed = [d for d in deletions if not d.deleted]
    dirty = [owner for owner, found in leftovers.items() if found]
    # what bills in a shared account tied to nobody on the roster is named, but is not the class's to stop
    learners_bill = [item for item in billing if item.owner is not None]
    if reach.unreachable and not (failed or dirty or learners_bill):
        console.print(
            f"[bold red]{len(reach.unreachable)} learner(s) not reached[/]: nothing of theirs was deleted"
        )
        return ExitStatus.FAILED
    if failed or dirty or learners_bill:
        console.print(render.destroy_failed_verdict(failed, dirty, learners_bill))
        return ExitStatus.FAILED
    console.print(
        f"[green]{len(deletions)} lab stack(s) deleted; nothing left behind by {len(roster)} learners[/]"
    )
    return ExitStatus.PASSED


def run_guard(args: argparse.Namespace, reach: ClassReach, console: Console) -> int:
    """`labkit class guard`: stop what runs over a learner's cost cap, and lab stacks past their expiry."""
    from labs.classroom import guard_report as report
    from labs.classroom.arguments import exemptions
    from labs.classroom.guard import enforce_caps, overdue_stacks
    from labs.classroom.status import read_class_status
    from labs.cost.prices import load_prices

    refused = report.refusal(
        {o: reach.roster.learner(o).placement.cap_usd_per_hour for o in reach.roster.owners},
        enforce=args.enforce,
    )
    if refused:
        print(f"labkit class guard: {refused}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    prices, now = load_prices(), datetime.now(UTC)
    with console.status("pricing what runs for each learner, in every region"):
        status = read_class_status(
            reach,
            now=now,
            prices=prices,
            workers=args.workers,
            exempt=exemptions(args.exempt),
            scan_regions=args.scan_regions,
        )
    over, overdue = status.over_cap, overdue_stacks(status)
    for line in [u.line for u in status.unreachable] + report.unverified_lines(status):
        console.print(f"[bold red]{escape(line)}[/]")
    for line in report.exempt_lines(status) + report.overdue_lines(overdue, enforce=args.enforce):
        console.print(escape(line))
    console.print(escape(report.seen_line(status)), style="dim")
    if over:
        console.print(report.guard_table(over))
    if not args.enforce:
        code, verdict = report.verdict(status, overdue=len(overdue), now=now)
        console.print(verdict)
        return code
    poll_s = EMULATOR_POLL_S if on_emulator(next(iter(reach.places.values())).session) else REAL_POLL_S
    with progress_bar(console, "destroying lab stacks over the cap or past their expiry") as bar:
        done, late = enforce_caps(
            reach,
            over,
            overdue=overdue,
            prices=prices,
            now=now,
            poll_s=poll_s,
            timeout_s=args.timeout,
            workers=args.workers,
            on_done=bar.advance,
            scan_regions=args.scan_regions,
        )
    if done:
        console.print(report.enforcement_table(done))
    if late:
        console.print(render.deletions_table(late))
    code, verdict = report.enforced_verdict(status, done, late)
    console.print(verdict)
    return code


def run_learner_account(args: argparse.Namespace, console: Console) -> int:
    """`labkit class learner-account`: emulator accounts, each with the teacher-access stack."""
    import os

    from labs.classroom import rehearsal, roster_append

    base = session_from_environment(args.region)
    if not on_emulator(base):
        print(
            "labkit class learner-account: only on the emulator (`labkit emulator`, then `source "
            ".labkit/emulator.env`); on AWS, deploy LabkitTeacherAccess into each learner account (README: "
            "Accounts per learner)",
            file=sys.stderr,
        )
        return ExitStatus.CANNOT_RUN
    settings = rehearsal.teacher_settings(base, args.teacher_principal, args.external_id)
    owners = list(dict.fromkeys(args.owners))
    with progress_bar(console, "making learner accounts with the teacher-access stack") as bar:
        bar.total(len(owners))
        try:
            if args.roster is not None:  # an owner on it already, columns that cannot carry the line: first
                roster_append.check_roster(args.roster, owners, settings)
            made = rehearsal.make_learner_accounts(
                base,
                owners,
                settings=settings,
                environ=os.environ,
                env_dir=rehearsal.LEARNERS_DIR,
                on_done=bar.advance,
            )
        except rehearsal.RehearsalError as error:
            print(f"labkit class learner-account: {error}", file=sys.stderr)
            return ExitStatus.CANNOT_RUN
    console.print(render.learner_accounts_table([account for account, _ in made], settings.principals))
    text = rehearsal.roster_text([account for account, _ in made], external_id=settings.external_id)
    if args.roster is not None:
        text = roster_append.append_roster(args.roster, [account for account, _ in made], settings)
        console.print(f"Appended to {escape(str(args.roster))}.")
    for account, env_file in made:
        owner = account.owner
        console.print(f"As {owner}: source {escape(str(env_file))}, then cdk deploy <Lab> -c owner={owner}")
    console.print("Roster lines:\n" + escape(text.rstrip()))
    return ExitStatus.PASSED
