"""The spend guard: learners whose running resources cost more per hour than their cap, and with
--enforce, their kit lab stacks destroyed and the removal verified.

Verified, not assumed: after the deletions the guard reads again what runs where the learner works; a
resource of the learner's stacks still running is named as such, whatever the deletion reported, and the
leftover scan runs for the learner. What the learner made by hand is the teacher's to judge: the guard
never deletes it, it names it with its price.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from labs.classroom.accounts import ClassReach
from labs.classroom.destroy import Deletion, delete_stacks, plan_destroy, scan_learners
from labs.classroom.sessions import DEFAULT_WORKERS, run_bounded
from labs.classroom.spend import LearnerSpend, PricedResource
from labs.cost.prices import PriceTable
from labs.cost.running import running_resources
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
        """What the kit did not make: left running, for the teacher."""
        return self.before.outside_the_kit

    @property
    def usd_per_hour_after(self) -> float:
        return sum(p.resource.usd_per_hour or 0.0 for p in (*self.still_running, *self.by_hand))

    @property
    def clean(self) -> bool:
        """Every stack deleted, nothing of them still running, nothing left over, under the cap now."""
        cap = self.before.cap_usd_per_hour
        under = cap is None or self.usd_per_hour_after <= cap
        return (
            all(d.deleted for d in self.deletions) and not self.still_running and not self.leftovers and under
        )


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
) -> list[Enforcement]:
    """Destroy the lab stacks of each learner in `over`, wait, then read again what runs where they work."""
    owners = [spend.owner for spend in over]
    if not owners:
        return []
    plan = plan_destroy(reach, owners=owners, now=now, workers=workers)
    first = reach.places[owners[0]].session
    deletions = delete_stacks(
        first,
        plan.targets,
        timeout_s=timeout_s,
        poll_s=poll_s,
        workers=workers,
        on_done=on_done,
        sessions=plan.sessions,
    )
    places = list({id(reach.places[owner]): reach.places[owner] for owner in owners}.values())
    after = run_bounded(places, lambda place: running_resources(place.session, prices), workers=workers)
    running_ids = {
        id(place): {r.identifier for r in found} for place, found in zip(places, after, strict=True)
    }
    leftovers = scan_learners(reach, owners, workers=workers)
    results = []
    for spend in over:
        still_there = running_ids[id(reach.places[spend.owner])]
        results.append(
            Enforcement(
                before=spend,
                deletions=tuple(d for d in deletions if d.listing.owner == spend.owner),
                still_running=tuple(
                    p
                    for p in spend.resources
                    if p.origin.startswith("stack ") and p.resource.identifier in still_there
                ),
                leftovers=tuple(leftovers.get(spend.owner, [])),
            )
        )
    return results
