"""The spend guard's tables and lines for the terminal: who is over, what could not be verified, what the
guard sees, overdue stacks, and what --enforce did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rich.table import Table
from rich.text import Text

from labs.classroom.destroy import Deletion
from labs.classroom.guard import Enforcement
from labs.classroom.render import usd
from labs.classroom.spend import LearnerSpend, PricedResource
from labs.classroom.status import ClassStatus, LabStackState
from labs.cost.running import seen_by_the_scan
from labs.leftovers.model import tail
from labs.outcomes import ExitStatus

CANNOT_PRICE = "cannot price: treated as over"
# what the scan does not read (labs/cost/running.py reads only the catalogue's running scans)
NOT_SEEN = (
    "other services (RDS, SageMaker, OpenSearch, Redshift, ...), EKS pods on Fargate, data transfer, "
    "requests and other storage (S3 objects, logs): AWS Budgets or Cost Explorer show those, hours late"
)


def _resource_text(priced: PricedResource) -> str:
    resource = priced.resource
    price = CANNOT_PRICE if resource.usd_per_hour is None else f"{usd(resource.usd_per_hour, places=5)}/h"
    where = f", {resource.region}" if resource.region else ""
    return f"{resource.identifier} {resource.what} ({priced.origin}{where}; {price})"


def guard_table(over: Sequence[LearnerSpend]) -> Table:
    """The learners over their cap, with what runs for them; what cannot be priced counts as over."""
    table = Table(title=f"Over their cap: {len(over)} learner(s)", title_justify="left")
    for column in ("Learner", "Account, region", "Running $/h", "Cap $/h", "What runs"):
        table.add_column(column, justify="right" if "$" in column else "left")
    for spend in over:
        shown = sorted(spend.counted, key=lambda p: -(p.resource.usd_per_hour or float("inf")))
        what = "; ".join(_resource_text(p) for p in shown[:4])
        more = f" and {len(shown) - 4} more" if len(shown) > 4 else ""
        rate = usd(spend.usd_per_hour, places=5) + (
            f" + {len(spend.unpriced)} unpriced" if spend.unpriced else ""
        )
        table.add_row(spend.owner, spend.where, rate, usd(spend.cap_usd_per_hour, places=5), what + more)
    return table


def exempt_lines(status: ClassStatus) -> list[str]:
    """The resources the teacher exempted, each with its price: never counted against a cap."""
    lines = [
        f"exempt (--exempt): {spend.owner}: {_resource_text(priced)}"
        for spend in status.spend
        for priced in spend.exempted
    ]
    given = frozenset().union(*(spend.exempt for spend in status.spend))
    matched = {
        key
        for spend in status.spend
        for priced in spend.exempted
        for key in (priced.resource.identifier, tail(priced.resource.identifier), priced.resource.name)
    }
    # a typo exempts nothing (what it meant still counts): said, so the teacher does not believe otherwise
    lines += [
        f"exempt (--exempt): {token} matches nothing running (an id, ARN or Name tag)"
        for token in sorted(given - matched)
    ]
    return lines


def unverified_lines(status: ClassStatus) -> list[str]:
    """What the scan could not see, place by place: never counted as clean."""
    return [
        f"could not verify: {where}: {problem.what} in {problem.where}: {problem.why}"
        for where, problem in status.unverified
    ]


def seen_line(status: ClassStatus) -> str:
    """What the guard read, where, and what it does not see."""
    scanned = sorted({region for _, regions, _ in status.regions for region in regions})
    skipped = sorted({region for _, _, not_scanned in status.regions for region in not_scanned})
    line = (
        f"The guard read: {'; '.join(seen_by_the_scan())}; in {len(scanned)} region(s) ({', '.join(scanned)})"
    )
    if skipped:
        line += f"; NOT in {', '.join(skipped)} (--scan-regions left them out: what runs there is not seen)"
    return f"{line}. It does not see {NOT_SEEN}."


def overdue_lines(stacks: Sequence[LabStackState], *, enforce: bool) -> list[str]:
    """An overdue stack each: past its expiry, and why it is still there (an expiry that ended DELETE_FAILED
    with AWS's reason)."""
    then = "deleting it now" if enforce else "`--enforce` deletes it"
    lines = []
    for state in stacks:
        due = f"{state.expires_at:%Y-%m-%d %H:%M} UTC" if state.expires_at else "?"
        if state.listing.status == "DELETE_FAILED":
            why = state.note or state.listing.status_reason or "see its events"
            lines.append(
                f"expiry failed: {state.listing.name} was due to delete itself at {due}; its deletion ended "
                f"DELETE_FAILED: {why}; {then} (if it fails again, fix that reason first)"
            )
        else:
            status = state.listing.status
            lines.append(
                f"overdue: {state.listing.name} was due to delete itself at {due} and is {status}; {then}"
            )
    return lines


def enforcement_table(done: Sequence[Enforcement]) -> Table:
    """What --enforce removed for each learner, verified by reading the account again."""
    table = Table(title="Enforced: lab stacks destroyed, then the account read again", title_justify="left")
    for column in ("Learner", "Stacks deleted", "Removed (verified gone)", "Still running", "$/h now"):
        table.add_column(column, justify="right" if "$" in column else "left")
    for item in done:
        deleted = ", ".join(
            d.listing.name + ("" if d.deleted else f" {d.outcome}: {d.reason}") for d in item.deletions
        )
        removed = "; ".join(f"{p.resource.identifier} ({p.resource.what})" for p in item.removed)
        still = [f"{p.resource.identifier} ({p.resource.what}, of {p.origin})" for p in item.still_running]
        still += [
            f"{p.resource.identifier} ({p.resource.what}, {p.origin}: the kit leaves it)"
            for p in item.by_hand
        ]
        still += [f"{left.resource_type} {left.identifier} (leftover)" for left in item.leftovers]
        table.add_row(
            item.before.owner,
            Text(deleted or "none", style="" if all(d.deleted for d in item.deletions) else "bold red"),
            removed or "nothing",
            Text("; ".join(still) or "nothing", style="green" if item.clean else "bold red"),
            usd(item.usd_per_hour_after, places=5),
        )
    return table


def refusal(caps: Mapping[str, float | None], *, enforce: bool) -> str:
    """Why the guard will not run, in one line ("" when it will): no cap at all, or a cap at or below $0
    with --enforce (it would destroy every lab stack, those that cost nothing an hour too)."""
    if not any(cap is not None for cap in caps.values()):
        return "no learner has a cap: pass --cap USD or write cap= in the roster"
    at_zero = sorted(owner for owner, cap in caps.items() if cap is not None and cap <= 0)
    if enforce and at_zero:
        return (
            f"a cap of $0 with --enforce would destroy every lab stack of {', '.join(at_zero)}, even those "
            "that cost nothing an hour: give a cap above 0"
        )
    return ""


def not_known(status: ClassStatus) -> int:
    """How many places the guard could not see whole: learners not reached, places not verified or with
    regions --scan-regions left out."""
    unseen = {where for where, _ in status.unverified} | {where for where, _ in status.left_out}
    return len(status.unreachable) + len(unseen)


def verdict(status: ClassStatus, *, overdue: int, now: datetime) -> tuple[int, str]:
    """The exit status and last line without --enforce: all clear only when everything found was priced
    and every place was reached and verified."""
    over, unknown = len(status.over_cap), not_known(status)
    if over or overdue:
        unseen = f"; {unknown} place(s) not reached or not verified" if unknown else ""
        return ExitStatus.FAILED, (
            f"[bold red]{over} learner(s) over their cap, {overdue} lab stack(s) overdue[/]: `--enforce` "
            f"destroys their lab stacks{unseen}"
        )
    if unknown:
        return ExitStatus.FAILED, (
            f"[bold red]no learner found over their cap, but {unknown} place(s) not reached or not "
            "verified[/]: their spend is unknown (the lines above say where and why)"
        )
    capped = sum(1 for spend in status.spend if spend.cap_usd_per_hour is not None)
    uncapped = [spend.owner for spend in status.spend if spend.cap_usd_per_hour is None]
    # a learner without a cap is never over it: named, so the all clear does not speak for them
    free = f"; no cap, not guarded: {', '.join(uncapped)}" if uncapped else ""
    return ExitStatus.PASSED, (
        f"[green]nobody over their cap[/] ({capped} learner(s) capped, everything found priced, every place "
        f"verified; class running {usd(status.usd_per_hour, places=5)}/h at {now:%H:%M} UTC){free}"
    )


def enforced_verdict(
    status: ClassStatus, done: Sequence[Enforcement], late: Sequence[Deletion]
) -> tuple[int, str]:
    """The exit status and last line after --enforce: passed only when every learner over the cap is verified
    under it, every overdue stack deleted, and every place reached and verified."""
    unclean = [item.before.owner for item in done if not item.clean]
    unclean += [deletion.listing.name for deletion in late if not deletion.deleted]
    if unclean:
        return ExitStatus.FAILED, (
            f"[bold red]{len(unclean)} still running or not deleted after the guard[/]: "
            f"{', '.join(unclean)}; the rows above say what and why"
        )
    summary = (
        f"{len(done)} learner(s) brought under their cap, {len(late)} overdue stack(s) deleted, verified"
    )
    unknown = not_known(status)
    if unknown:
        return ExitStatus.FAILED, (
            f"{summary}; [bold red]{unknown} place(s) not reached or not verified[/]: their spend is unknown"
        )
    return ExitStatus.PASSED, f"[green]{summary}: nothing of their stacks runs[/]"
