"""The class at a glance: every kit lab stack by owner, when it expires, what it has cost and will cost.

Cost is the kit's price table (labs/cost) applied to the stack's own template, times the hours since
the stack was created: so far (until now) and projected (until it deletes itself at its expiry). A stack
past its expiry is overdue: its deletion failed or never ran, and it costs until someone destroys it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from labs.classroom.inventory import LabStackListing, is_kit_lab, list_lab_stacks
from labs.classroom.roster import Roster
from labs.classroom.sessions import DEFAULT_WORKERS, run_bounded
from labs.cost.calculator import price_template
from labs.cost.prices import CostError, PriceTable
from labs.deployed.expiry import read_expiry
from labs.deployed.stack import failure_reason, template_of

if TYPE_CHECKING:
    import boto3


def hours_between(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def cost_so_far(usd_per_hour: float, *, deployed_at: datetime, now: datetime) -> float:
    return usd_per_hour * hours_between(deployed_at, now)


def projected_cost(
    usd_per_hour: float, *, deployed_at: datetime, expires_at: datetime | None, now: datetime
) -> float | None:
    """The cost when the stack deletes itself; an overdue stack's is what it cost so far (and growing);
    None for a stack that never expires."""
    if expires_at is None:
        return None
    return usd_per_hour * hours_between(deployed_at, max(expires_at, now))


@dataclass(frozen=True, kw_only=True)
class LabStackState:
    """One kit lab stack: its listing, expiry and cost, read at one moment."""

    listing: LabStackListing
    expires_at: datetime | None
    overdue: bool
    usd_per_hour: float | None  # None: the template holds something the price table cannot price
    so_far: float | None
    projected: float | None
    note: str = ""  # why the stack failed, or why it could not be priced


@dataclass(frozen=True, kw_only=True)
class ClassStatus:
    roster: Roster
    now: datetime
    stacks: tuple[LabStackState, ...]  # the roster's learners' lab stacks
    strangers: tuple[LabStackState, ...]  # lab stacks whose owner is not on the roster (or who has none)

    @property
    def idle(self) -> tuple[str, ...]:
        """Learners on the roster with no lab stack at all."""
        busy = {state.listing.owner for state in self.stacks}
        return tuple(owner for owner in self.roster.owners if owner not in busy)

    @property
    def so_far(self) -> float:
        return sum(state.so_far or 0.0 for state in self.stacks)

    @property
    def projected(self) -> float:
        """Every expiring stack's projected cost, plus what the others have cost so far."""
        return sum(
            state.projected if state.projected is not None else state.so_far or 0.0 for state in self.stacks
        )

    @property
    def never_expiring(self) -> int:
        return sum(1 for state in self.stacks if state.expires_at is None)

    @property
    def strangers_so_far(self) -> float:
        return sum(state.so_far or 0.0 for state in self.strangers)

    @property
    def attention(self) -> list[str]:
        """What a teacher should act on: overdue or failed stacks, lab stacks of owners not on the roster."""
        every = (*self.stacks, *self.strangers)
        problems = [f"{s.listing.name} is overdue" for s in every if s.overdue]
        problems += [f"{s.listing.name} is {s.listing.status}" for s in every if s.listing.failed]
        problems += [f"{s.listing.name} belongs to no learner on the roster" for s in self.strangers]
        return problems


def read_class_status(
    session: boto3.Session,
    roster: Roster,
    *,
    now: datetime,
    prices: PriceTable,
    workers: int = DEFAULT_WORKERS,
    on_listed: Callable[[int], None] | None = None,
    on_done: Callable[[LabStackListing], None] | None = None,
) -> ClassStatus:
    """One listing of the account's lab stacks, then each stack's expiry and cost read in parallel."""
    listings = list_lab_stacks(session)
    if on_listed is not None:
        on_listed(len(listings))
    read = run_bounded(
        listings,
        lambda listing: read_state(session, listing, now=now, prices=prices),
        workers=workers,
        on_done=on_done,
    )
    states = [state for state in read if state is not None]
    return ClassStatus(
        roster=roster,
        now=now,
        stacks=tuple(s for s in states if s.listing.owner in roster),
        strangers=tuple(s for s in states if s.listing.owner not in roster),
    )


def read_state(
    session: boto3.Session, listing: LabStackListing, *, now: datetime, prices: PriceTable
) -> LabStackState | None:
    """The stack's expiry and cost; None when it is no kit lab or vanished since the listing."""
    try:
        if not is_kit_lab(session, listing):
            return None
        template = template_of(session, listing.name)
        expiry = read_expiry(session, listing.deployed(session), check_scope=False)
        note = failure_reason(session, listing.name) if listing.failed else ""
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    try:
        usd_per_hour: float | None = price_template(template, prices).usd_per_hour
    except CostError as error:
        usd_per_hour, note = None, f"not priced: {error}"
    deployed_at = listing.created
    return LabStackState(
        listing=listing,
        expires_at=expiry.at,
        overdue=expiry.overdue(now),
        usd_per_hour=usd_per_hour,
        so_far=None if usd_per_hour is None else cost_so_far(usd_per_hour, deployed_at=deployed_at, now=now),
        projected=None
        if usd_per_hour is None
        else projected_cost(usd_per_hour, deployed_at=deployed_at, expires_at=expiry.at, now=now),
        note=note,
    )
