"""The class at a glance: every kit lab stack by owner, when it expires, what it has cost and will cost.

Cost is the kit's price table (labs/cost) applied to the stack's own template, times the hours since
the stack was created: so far (until now) and projected (until it deletes itself at its expiry). A stack
past its expiry is overdue: its deletion failed or never ran, and it costs until someone destroys it.
Beside it, each learner's spend from what actually runs where they work (labs/classroom/spend.py), against
their cap. Learners are read where they work (labs/classroom/accounts.py), every place side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from labs.classroom.accounts import ClassReach, Place, Unreachable
from labs.classroom.inventory import LabStackListing, is_kit_lab, list_lab_stacks
from labs.classroom.roster import Roster
from labs.classroom.sessions import DEFAULT_WORKERS, run_bounded
from labs.classroom.spend import LearnerSpend, place_spend
from labs.cost.calculator import price_template
from labs.cost.prices import CostError, PriceTable
from labs.cost.running import AccountScan, RunningResource, Unverified, scan_account
from labs.deployed.expiry import read_expiry
from labs.deployed.stack import StackResource, failure_reason, template_of

if TYPE_CHECKING:
    import boto3


def hours_between(start: datetime, end: datetime) -> float:
    """The hours from start to end, never negative."""
    return max(0.0, (end - start).total_seconds() / 3600)


def cost_so_far(usd_per_hour: float, *, deployed_at: datetime, now: datetime) -> float:
    """What a resource has cost since it was deployed, in USD."""
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
    where: str = ""  # the account and region, when the class spans accounts
    resources: tuple[StackResource, ...] = ()  # the stack's resources, as read for its expiry


@dataclass(frozen=True, kw_only=True)
class ClassStatus:
    """The class's lab stacks and the stacks of nobody on the roster, at one moment."""

    roster: Roster
    now: datetime
    stacks: tuple[LabStackState, ...]  # the roster's learners' lab stacks
    strangers: tuple[LabStackState, ...]  # lab stacks whose owner is not on the roster (or who has none)
    spend: tuple[LearnerSpend, ...] = ()  # each reached learner's running resources, priced
    nobodys: tuple[tuple[str, RunningResource], ...] = ()  # (where, resource) tied to no learner
    unreachable: tuple[Unreachable, ...] = ()
    # (place, what the scan of that place could not see): never counted as clean
    unverified: tuple[tuple[str, Unverified], ...] = ()
    # (place, the regions it scanned, the enabled regions it did not: --scan-regions)
    regions: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()

    @property
    def over_cap(self) -> tuple[LearnerSpend, ...]:
        return tuple(spend for spend in self.spend if spend.over_cap)

    @property
    def usd_per_hour(self) -> float:
        """What the class's running resources cost per hour now."""
        return sum(spend.usd_per_hour for spend in self.spend)

    @property
    def idle(self) -> tuple[str, ...]:
        """Learners on the roster (and reached) with no lab stack at all."""
        busy = {state.listing.owner for state in self.stacks}
        away = {u.owner for u in self.unreachable}
        return tuple(owner for owner in self.roster.owners if owner not in busy and owner not in away)

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
        problems += [
            f"{s.owner} runs ${s.usd_per_hour:.4f}/h"
            + (
                f" and {len(s.unpriced)} resource(s) the kit cannot price (treated as over)"
                if s.unpriced
                else ""
            )
            + f", over the cap of ${s.cap_usd_per_hour:.4f}/h (`labkit class guard --enforce` destroys their "
            "lab stacks)"
            for s in self.over_cap
        ]
        problems += [u.line for u in self.unreachable]
        problems += [f"{where}: {problem.line}" for where, problem in self.unverified]
        problems += [
            f"{where}: {', '.join(regions)} not read (--scan-regions left them out): what runs there is "
            "unknown"
            for where, regions in self.left_out
        ]
        return problems

    @property
    def left_out(self) -> list[tuple[str, tuple[str, ...]]]:
        """(place, enabled regions --scan-regions did not read): never counted as clean."""
        return [(where, skipped) for where, _, skipped in self.regions if skipped]


def read_class_status(
    reach: ClassReach,
    *,
    now: datetime,
    prices: PriceTable,
    workers: int = DEFAULT_WORKERS,
    on_listed: Callable[[int], None] | None = None,
    on_done: Callable[[LabStackListing], None] | None = None,
    exempt: frozenset[str] = frozenset(),
    scan_regions: Sequence[str] | None = None,
) -> ClassStatus:
    """Every place's lab stacks listed, then each stack's expiry and cost, each place's running resources (in
    every region its account has enabled, or in `scan_regions`) and each learner's stacks' resources read,
    all side by side. `exempt`: resource ids or names the teacher exempted from the cap."""
    groups = list(reach.groups())
    listed = run_bounded(groups, lambda group: list_lab_stacks(group[0].session), workers=workers)
    pairs = [
        (place, owners, listing)
        for (place, owners), found in zip(groups, listed, strict=True)
        for listing in found
    ]
    if on_listed is not None:
        on_listed(len(pairs))

    def state_of(pair: tuple[Place, tuple[str, ...], LabStackListing]) -> LabStackState | None:
        place, _owners, listing = pair
        state = read_state(place.session, listing, now=now, prices=prices)
        if on_done is not None:
            on_done(listing)
        return (
            None
            if state is None
            else replace(state, where=place.label if reach.roster.across_accounts else "")
        )

    states = run_bounded(pairs, state_of, workers=workers)
    mine = [
        (p, s) for (p, owners, _), s in zip(pairs, states, strict=True) if s and s.listing.owner in owners
    ]
    strangers = [
        s for (_, owners, _), s in zip(pairs, states, strict=True) if s and s.listing.owner not in owners
    ]

    def scan(group: tuple[Place, tuple[str, ...]]) -> AccountScan:
        session = group[0].session  # the place's own region, where its lab stacks run, is always read
        chosen = None if scan_regions is None else tuple(dict.fromkeys([*scan_regions, session.region_name]))
        return scan_account(session, prices, regions=chosen)

    scans = run_bounded(groups, scan, workers=workers)
    spends, nobodys = _spend(reach, groups, scans, mine, now=now, exempt=exempt)
    return ClassStatus(
        roster=reach.roster,
        now=now,
        stacks=tuple(s for _, s in mine),
        strangers=tuple(strangers),
        spend=spends,
        nobodys=nobodys,
        unreachable=tuple(reach.unreachable[o] for o in reach.roster.owners if o in reach.unreachable),
        unverified=tuple(
            (place.label, problem)
            for (place, _), scan in zip(groups, scans, strict=True)
            for problem in scan.unverified
        ),
        regions=tuple(
            (place.label, scan.regions, scan.not_scanned)
            for (place, _), scan in zip(groups, scans, strict=True)
        ),
    )


def _spend(
    reach: ClassReach,
    groups: list[tuple[Place, tuple[str, ...]]],
    scans: list[AccountScan],
    mine: list[tuple[Place, LabStackState]],
    *,
    now: datetime,
    exempt: frozenset[str],
) -> tuple[tuple[LearnerSpend, ...], tuple[tuple[str, RunningResource], ...]]:
    """Each place's running resources (read side by side) tied to the learners' stacks (whose resources were
    read with their expiry)."""
    running = {id(place): scan for (place, _), scan in zip(groups, scans, strict=True)}
    spends: dict[str, LearnerSpend] = {}
    nobodys: list[tuple[str, RunningResource]] = []
    for place, owners in groups:
        listings = [state.listing for p, state in mine if p is place]
        scan = running[id(place)]
        found = place_spend(
            scan.resources,
            owners=owners,
            where=place.label,
            own_account=place.account is not None,
            listings=listings,
            stack_resources={state.listing.name: state.resources for p, state in mine if p is place},
            caps={owner: reach.roster.learner(owner).placement.cap_usd_per_hour for owner in owners},
            now=now,
            exempt=exempt,
            unverified=scan.unverified,
        )
        spends.update(found.by_owner)
        nobodys += [(place.label, resource) for resource in found.nobodys]
    ordered = tuple(spends[owner] for owner in reach.roster.owners if owner in spends)
    return ordered, tuple(nobodys)


def read_state(
    session: boto3.Session, listing: LabStackListing, *, now: datetime, prices: PriceTable
) -> LabStackState | None:
    """The stack's expiry and cost; None when it is no kit lab or vanished since the listing."""
    try:
        if not is_kit_lab(session, listing):
            return None
        template = template_of(session, listing.name)
        deployed = listing.deployed(session)
        expiry = read_expiry(session, deployed, check_scope=False)
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
        resources=deployed.resources,
        expires_at=expiry.at,
        overdue=expiry.overdue(now),
        usd_per_hour=usd_per_hour,
        so_far=None if usd_per_hour is None else cost_so_far(usd_per_hour, deployed_at=deployed_at, now=now),
        projected=None
        if usd_per_hour is None
        else projected_cost(usd_per_hour, deployed_at=deployed_at, expires_at=expiry.at, now=now),
        note=note,
    )
