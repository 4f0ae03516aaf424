"""The class's tables for the terminal: status, graded grid, destroy plan and results, preflight."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from labs.classroom.accounts import Unreachable
from labs.classroom.billing import StillBilling
from labs.classroom.destroy import Deletion
from labs.classroom.fitted import Fitted
from labs.classroom.grading import ClassGrid, Grade
from labs.classroom.inventory import LabStackListing
from labs.classroom.rehearsal import LearnerAccount
from labs.classroom.reports.labels import short_label
from labs.classroom.spend import PricedResource
from labs.classroom.status import ClassStatus, LabStackState
from labs.deployed.expiry import describe_remaining
from labs.leftovers.model import Leftover
from labs.preflight.command import STYLES as LINE_STYLES
from labs.preflight.results import Line

GRADE_STYLES = {
    Grade.PASS: "green",
    Grade.FAIL: "red",
    Grade.NOT_DEPLOYED: "dim",
    Grade.NOT_VERIFIED: "yellow",
    Grade.ERROR: "magenta",
}


def usd(amount: float | None, *, places: int = 4) -> str:
    """An amount in USD, or "?" when unknown."""
    return "?" if amount is None else f"${amount:,.{places}f}"


def moment(at: datetime) -> str:
    """A moment as the tables show it, in UTC."""
    return f"{at:%Y-%m-%d %H:%M} UTC"


def short_moment(at: datetime) -> str:
    """`11-30 09:52`: a table's time, in UTC as its title says."""
    return f"{at.astimezone(UTC):%m-%d %H:%M}"


def expiry_text(state: LabStackState, now: datetime) -> Text:
    """When the stack expires, coloured when it never does or is overdue."""
    if state.expires_at is None:
        return Text("never (ttlHours=0)", style="yellow")
    if state.overdue:
        return Text(f"OVERDUE: due {describe_remaining(state.expires_at, now)}", style="bold red")
    return Text(f"{short_moment(state.expires_at)} ({describe_remaining(state.expires_at, now)})")


def status_table(title: str, states: Sequence[LabStackState], now: datetime) -> Table:
    """The table of lab stacks, with expiry and cost, for the console."""
    table = Table(title=f"{title} (times in UTC)", title_justify="left")
    across = any(state.where for state in states)
    for column in (
        "Owner",
        *(("Account, region",) if across else ()),
        "Lab",
        "Stack status",
        "Deployed",
        "Expires",
    ):
        # an account id is never cut short: the region wraps below it in a narrow log
        width = 12 if column == "Account, region" else None
        # only the expiry and the region wrap: StatusView shows the table where the rest fits whole
        table.add_column(column, no_wrap=column not in ("Account, region", "Expires"), min_width=width)
    for column in ("$/h", "$ so far", "$ projected"):
        table.add_column(column, justify="right", no_wrap=True)
    for state in states:
        listing = state.listing
        status = Text(listing.status, style="red" if listing.failed else "")
        table.add_row(
            listing.owner or "(none)",
            *((state.where,) if across else ()),
            listing.shown_lab,
            status,
            short_moment(listing.created),
            expiry_text(state, now),
            usd(state.usd_per_hour, places=5),
            usd(state.so_far),
            "—" if state.projected is None and state.usd_per_hour is not None else usd(state.projected),
        )
    return table


def status_view(title: str, states: Sequence[LabStackState], now: datetime) -> Fitted:
    """The status table where it fits the console whole; where rich would squeeze it (the owner to nothing at
    80 columns, a cost cut to "$0.04"), one short block per stack with the same facts."""
    blocks = [line for state in states for line in status_block(state, now)]
    return Fitted(status_table(title, states, now), f"{title} (times in UTC)", blocks)


def status_block(state: LabStackState, now: datetime) -> list[Text]:
    """One stack in three lines: who, what, where and its status; its life; its cost."""
    listing = state.listing
    head = Text(f"{listing.owner or '(none)'} · {listing.shown_lab}", style="bold")
    if state.where:
        head.append(f" · {state.where}", style="")
    head.append(" · ")  # who, what, where and its status on one line, as a table row has them
    head.append(listing.status, style="red" if listing.failed else "")
    life = Text(f"  deployed {short_moment(listing.created)} · expires ")
    life.append_text(expiry_text(state, now))
    projected = "—" if state.projected is None and state.usd_per_hour is not None else usd(state.projected)
    cost = Text(
        f"  {usd(state.usd_per_hour, places=5)}/h · {usd(state.so_far)} so far · {projected} projected"
    )
    return [head, life, cost]


def status_notes(status: ClassStatus) -> list[str]:
    """The notes under the status table: stacks that need a word of explanation, resources not priced."""
    notes = [
        f"{state.listing.name}: {state.note}" for state in (*status.stacks, *status.strangers) if state.note
    ]
    notes += [
        f"{spend.owner}: {resource.identifier} not priced: {resource.note}"
        for spend in status.spend
        for resource in spend.unpriced
    ]
    if status.nobodys:
        rate = sum(resource.usd_per_hour or 0.0 for _, resource in status.nobodys)
        notes.append(
            f"Running, tied to no learner on the roster ({len(status.nobodys)}, {usd(rate, places=5)}/h): "
            + "; ".join(
                f"{resource.identifier} ({resource.what}, {where})" for where, resource in status.nobodys[:5]
            )
        )
    idle = status.idle
    if idle:
        notes.append(f"On the roster with nothing deployed ({len(idle)}): {', '.join(idle)}")
    return notes


def outside_text(items: Sequence[PricedResource]) -> str:
    """`i-0abc (t4g.nano instance, made by hand) and 2 more`: what runs outside a learner's lab stacks."""
    shown = "; ".join(f"{p.resource.identifier} ({p.resource.what}, {p.origin})" for p in items[:2])
    return shown + (f" and {len(items) - 2} more" if len(items) > 2 else "")


def spend_table(status: ClassStatus) -> Table:
    """Each learner's running resources priced now, against their cap; a row for each learner not reached."""
    table = Table(title="Spend now, from the resources running (not billing data)", title_justify="left")
    for column in (
        "Learner",
        "Account, region",
        "Running $/h",
        "$ so far",
        "Cap $/h",
        "Outside the lab stacks",
    ):
        table.add_column(column, justify="right" if "$" in column else "left")
    for spend in status.spend:
        rate = Text(usd(spend.usd_per_hour, places=5), style="bold red" if spend.over_cap else "")
        cap = "none" if spend.cap_usd_per_hour is None else usd(spend.cap_usd_per_hour, places=5)
        cap_text = Text(cap + (" OVER" if spend.over_cap else ""), style="bold red" if spend.over_cap else "")
        table.add_row(
            spend.owner, spend.where, rate, usd(spend.so_far), cap_text, outside_text(spend.outside_the_kit)
        )
    for away in status.unreachable:
        table.add_row(away.owner, away.account, "?", "?", "", Text(unreachable_text(away), style="bold red"))
    return table


def unreachable_text(away: Unreachable) -> str:
    """The line said of a place whose role cannot be assumed."""
    return f"NOT REACHED: role {away.role_arn} cannot be assumed ({away.reason})"


def status_totals(status: ClassStatus) -> str:
    """The class's total cost so far and projected, in one line."""
    learners = len({state.listing.owner for state in status.stacks})
    line = (
        f"Class total: {usd(status.so_far)} so far, {usd(status.projected)} projected to expiry "
        f"({len(status.stacks)} lab stacks of {learners} of {len(status.roster)} learners); "
        f"running now {usd(status.usd_per_hour, places=5)}/h"
    )
    if status.over_cap:
        line += f", {len(status.over_cap)} learner(s) over their cap"
    if status.unreachable:
        line += f"; {len(status.unreachable)} learner(s) not reached"
    if status.never_expiring:
        line += f"; {status.never_expiring} stack(s) never expire and keep costing"
    if status.strangers:
        line += (
            f". Not on the roster: {len(status.strangers)} stack(s), {usd(status.strangers_so_far)} so far"
        )
    return line


def grid_table(grid: ClassGrid) -> Table:
    """The grade grid for the console: one row per learner, one column per lab."""
    table = Table(title=f"Class check ({grid.region or 'default region'})", title_justify="left")
    table.add_column("Learner")
    for lab_id in grid.labs:
        table.add_column(lab_id)
    for owner, cells in grid.rows():
        table.add_row(owner, *(Text(short_label(cell), style=GRADE_STYLES[cell.grade]) for cell in cells))
    return table


def plan_table(title: str, listings: Sequence[LabStackListing]) -> Table:
    """The table of lab stacks a command is about to act on."""
    table = Table(title=title, title_justify="left")
    for column in ("Owner", "Lab", "Stack", "Status", "Deployed at"):
        table.add_column(column)
    for listing in listings:
        table.add_row(
            listing.owner or "(none)", listing.lab_id, listing.name, listing.status, moment(listing.created)
        )
    return table


def deletions_table(deletions: Sequence[Deletion]) -> Table:
    """The table of stack deletions and how each went."""
    table = Table(title="Deletions", title_justify="left")
    for column in ("Owner", "Lab", "Stack"):
        table.add_column(column)
    # a reason is one long word at times (a function's ARN): folded, never cut with an ellipsis
    table.add_column("Result", overflow="fold")
    table.add_column("After", justify="right")
    for deletion in deletions:
        listing = deletion.listing
        result = Text(deletion.outcome, style="green" if deletion.deleted else "bold red")
        if deletion.reason:
            result.append(f": {deletion.reason}", style="")
        table.add_row(
            listing.owner or "(none)", listing.lab_id, listing.name, result, f"{deletion.seconds:.0f} s"
        )
    return table


def way_out_lines(deletions: Sequence[Deletion]) -> list[str]:
    """`<stack> (account A, region R): Way out: <command> (the stack goes; left behind: ...)` for each
    deletion that failed on resources a destroy again would fail on too (print with soft_wrap: the command
    is pasted whole)."""
    lines = []
    for deletion in deletions:
        if deletion.way_out is None:
            continue
        # a stack id: arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>
        parts = deletion.listing.stack_id.split(":")
        where = f" (account {parts[4]}, {parts[3]})" if len(parts) > 5 else ""
        lines.append(f"{deletion.listing.name}{where}: {deletion.way_out.hint()}")
    return lines


def print_deletions(console: Console, deletions: Sequence[Deletion]) -> None:
    """The deletions' table, then the way out of each stack a destroy again would fail on, one line each
    the terminal wraps itself (no newline inside a command to paste)."""
    console.print(deletions_table(deletions))
    for line in way_out_lines(deletions):
        console.print(escape(line), soft_wrap=True)


def destroy_failed_verdict(
    failed: Sequence[Deletion], dirty: Sequence[str], learners_bill: Sequence[StillBilling]
) -> str:
    """The last line of a destroy that left something: counts, then what the teacher does next (markup)."""
    bills = sum(item.resource.usd_per_hour or 0.0 for item in learners_bill)
    stuck = sum(1 for deletion in failed if deletion.way_out is not None)
    retain = (
        f"run the way out shown for the {stuck} stack(s) DELETE_FAILED on what blocks them (a destroy again "
        "fails the same way), "
        if stuck
        else ""
    )
    return (
        f"[bold red]{len(failed)} deletion(s) failed, {len(dirty)} learner(s) left something behind, "
        f"{len(learners_bill)} learner resource(s) no lab stack made still bill {usd(bills, places=5)}/h[/]: "
        f"{retain}fix each reason above, stop what bills with the command shown (as the account's owner: the "
        "teacher's role deletes only the kit's stacks), then run this destroy again"
    )


def leftovers_by_learner_table(found: Mapping[str, Sequence[Leftover]]) -> Table:
    """The table of leftovers found, per learner."""
    table = Table(title="Leftover scan, per learner", title_justify="left")
    table.add_column("Learner")
    table.add_column("Left behind", justify="right")
    table.add_column("What")
    for owner, leftovers in found.items():
        what = "; ".join(f"{item.resource_type} {item.identifier}" for item in leftovers[:3])
        more = f" and {len(leftovers) - 3} more" if len(leftovers) > 3 else ""
        count = Text(str(len(leftovers)), style="bold red" if leftovers else "green")
        table.add_row(owner, count, (what + more) or "nothing")
    return table


def preflight_table(title: str, lines: Sequence[Line]) -> Table:
    """`labkit preflight`'s columns, one table for the class."""
    table = Table(title=title, title_justify="left", show_lines=True)
    for column in ("check", "result", "what preflight saw", "fix"):
        table.add_column(column, overflow="fold")
    for line in lines:
        table.add_row(
            line.check, Text(line.label, style=LINE_STYLES.get(line.status, "")), line.detail, line.fix
        )
    return table


def blockers_table(blockers: Sequence[Line]) -> Table:
    """The lines that block the class, again, with their fixes: what the teacher acts on, after the rest."""
    table = Table(title=f"Blockers: {len(blockers)}, fix them before the class deploys", title_justify="left")
    for column in ("check", "what preflight saw", "fix"):
        table.add_column(column, overflow="fold")
    for line in blockers:
        table.add_row(Text(line.check, style="bold red"), line.detail, line.fix)
    return table


def preflight_verdict(blockers: Sequence[Line], unknown: Sequence[Line], *, learners: int, labs: str) -> Text:
    """The last line of class preflight: its blockers by name, else whether the class fits."""
    if blockers:
        text = Text(f"{len(blockers)} blocker(s): ", style="bold red")
        text.append("; ".join(line.check for line in blockers))
        return text
    if unknown:
        text = Text(f"no blocker, but {len(unknown)} line(s) cannot tell: ", style="yellow")
        text.append("; ".join(line.check for line in unknown))
        return text
    return Text(f"the class fits ({learners} learners, {labs})", style="green")


def learner_accounts_table(accounts: Sequence[LearnerAccount], principals: Sequence[str]) -> Table:
    """The learner accounts made on the emulator, with the teacher's role in each and whom it trusts."""
    table = Table(
        title=f"Learner accounts with the teacher-access stack (trusting {', '.join(principals)})",
        title_justify="left",
    )
    for column in ("Learner", "Account", "Teacher's role", "The learner's way in"):
        table.add_column(column)
    for made in accounts:
        table.add_row(made.owner, made.account, made.teacher_role_arn, made.access_role_arn)
    return table


def billing_table(billing: Sequence[StillBilling]) -> Fitted:
    """What still bills after the destroy, that no lab stack made, and the command that stops each."""
    title = "Still billing: made by no lab stack, so not deleted"
    table = Table(title=title, title_justify="left")
    for column in ("Learner", "Account, region", "Resource", "$/h", "To stop it"):
        # the command stays on one line, to copy as it is
        table.add_column(column, justify="right" if column == "$/h" else "left", no_wrap="stop" in column)
    blocks = []
    for item in billing:
        owner, what = item.owner or "(nobody on the roster)", f"{item.resource.what}, {item.origin}"
        rate = usd(item.resource.usd_per_hour, places=5)
        table.add_row(owner, item.where, f"{item.resource.identifier} ({what})", rate, item.stop)
        blocks += [
            Text(f"{owner} · {item.where} · {rate}/h", style="bold"),
            Text(f"  {item.resource.identifier} ({what})"),
            Text(f"  to stop it: {item.stop}"),
        ]
    return Fitted(table, title, blocks)
