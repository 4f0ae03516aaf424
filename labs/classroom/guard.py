"""The spend guard: learners whose running resources cost more per hour than their cap, and with
--enforce, their kit lab stacks destroyed and the removal verified; overdue lab stacks deleted too.

Fail closed. What the guard cannot price counts as over the cap unless the teacher exempts it by name; what
it could not verify (a region it could not reach, a call AWS refused, a learner not reached) is named and
keeps it from saying "nobody over their cap". Verified, not assumed: after the deletions the guard reads
again what runs where the learner works; a resource of the learner's stacks still running is named as
such, whatever the deletion reported, and the leftover scan runs for the learner. What the learner made by
hand is the teacher's to judge: the guard never deletes it, it names it with its price.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from labs.classroom.accounts import ClassReach
from labs.classroom.destroy import Deletion, delete_stacks, plan_destroy, scan_learners
from labs.classroom.sessions import DEFAULT_WORKERS, run_bounded
from labs.classroom.spend import LearnerSpend, PricedResource
from labs.classroom.status import ClassStatus, LabStackState
from labs.cost.prices import PriceTable
from labs.cost.running import scan_account
from labs.leftovers.model import Leftover


@dataclass(frozen=True, kw_only=True)
class Enforcement:
    """One learner over the cap, after the guard destroyed their lab stacks and looked again."""

    before: LearnerSpend
    deletions: tuple[Deletion, ...]
    still_running: tuple[PricedResource, ...]  # resources of the learner's lab stacks still running
    leftovers: tuple[Leftover, ...]

    @property
    def removed(self) -> tuple[PricedResource, ...]:
        """Resources of the learner's lab stacks that ran before and run no more."""
        still = {p.resource.identifier for p in self.still_running}
        return tuple(
            p
            for p in self.before.resources
            if p.origin.startswith("stack ") and p.resource.identifier not in still
        )

    @property
    def by_hand(self) -> tuple[PricedResource, ...]:
        """What the kit did not make: left running, for the teacher (exempted resources are not counted)."""
        return tuple(p for p in self.before.outside_the_kit if not self.before.is_exempt(p.resource))

    @property
    def usd_per_hour_after(self) -> float:
        return sum(p.resource.usd_per_hour or 0.0 for p in (*self.still_running, *self.by_hand))

    @property
    def clean(self) -> bool:
        """Every stack deleted, nothing of them still running, nothing left over, strictly under or at the cap
        now, nothing unpriced left running."""
        cap = self.before.cap_usd_per_hour
        unpriced = any(p.resource.usd_per_hour is None for p in (*self.still_running, *self.by_hand))
        under = cap is None or (self.usd_per_hour_after <= cap and not unpriced)
        return (
            all(d.deleted for d in self.deletions) and not self.still_running and not self.leftovers and under
        )


def overdue_stacks(status: ClassStatus) -> tuple[LabStackState, ...]:
    """The roster's lab stacks past their expiry: the expiry failed (DELETE_FAILED) or never ran."""
    return tuple(state for state in status.stacks if state.overdue)


def failed_expiries(status: ClassStatus) -> tuple[LabStackState, ...]:
    """Overdue stacks whose deletion ended DELETE_FAILED: the expiry ran, and AWS refused; `note` says why."""
    return tuple(state for state in overdue_stacks(status) if state.listing.status == "DELETE_FAILED")


def enforce_caps(
    reach: ClassReach,
    over: Sequence[LearnerSpend],
    *,
    prices: PriceTable,
    now: datetime,
    poll_s: float,
    timeout_s: float,
    workers: int = DEFAULT_WORKERS,
    on_done: Callable[[Deletion], None] | None = None,
    overdue: Sequence[LabStackState] = (),
    scan_regions: Sequence[str] | None = None,
) -> tuple[list[Enforcement], list[Deletion]]:
    """Destroy the lab stacks of each learner in `over` and the `overdue` stacks, wait, then read again what
    runs where the learners over their cap work: each learner's enforcement, the overdue stacks' deletions."""
    owners = [spend.owner for spend in over]
    plan = plan_destroy(reach, owners=owners, now=now, workers=workers) if owners else None
    targets = list(plan.targets) if plan else []
    sessions = dict(plan.sessions) if plan else {}
    planned = {listing.stack_id for listing in targets}
    late = [state.listing for state in overdue if state.listing.stack_id not in planned]
    targets += late
    sessions |= {listing.stack_id: reach.places[str(listing.owner)].session for listing in late}
    if not targets:
        return [], []
    deletions = delete_stacks(
        next(iter(sessions.values())),
        targets,
        timeout_s=timeout_s,
        poll_s=poll_s,
        workers=workers,
        on_done=on_done,
        sessions=sessions,
    )
    late_ids = {listing.stack_id for listing in late}
    late_deletions = [d for d in deletions if d.listing.stack_id in late_ids]
    if not owners:
        return [], late_deletions
    places = list({id(reach.places[owner]): reach.places[owner] for owner in owners}.values())
    after = run_bounded(
        places, lambda place: scan_account(place.session, prices, regions=scan_regions), workers=workers
    )
    running_ids = {
        id(place): {r.identifier for r in scan.resources} for place, scan in zip(places, after, strict=True)
    }
    leftovers = scan_learners(reach, owners, workers=workers)
    results = []
    for spend in over:
        still_there = running_ids[id(reach.places[spend.owner])]
        results.append(
            Enforcement(
                before=spend,
                deletions=tuple(
                    d
                    for d in deletions
                    if d.listing.owner == spend.owner and d.listing.stack_id not in late_ids
                ),
                still_running=tuple(
                    p
                    for p in spend.resources
                    if p.origin.startswith("stack ") and p.resource.identifier in still_there
                ),
                leftovers=tuple(leftovers.get(spend.owner, [])),
            )
        )
    return results, late_deletions
