"""Each learner's spend now: the resources running where they work, priced by the hour, and their cap.

Resources are read live (labs/cost/running.py), not from billing data, and attributed to a learner by what
ties them to the learner's lab stacks: a resource of the stack, the stack's tags, its VPC, its Auto Scaling
group, the instance it is attached to. What no live stack owns is the learner's too when it carries their
`labkit:owner` tag (a lab's leftover, as the leftover scan judges it) or when it runs in the learner's own
account (made by hand, from the console); in a shared account it belongs to nobody on the roster.

Fail closed: what the kit cannot price counts as over the cap ("cannot price: treated as over") unless the
teacher exempts it by name, and what the scan could not verify in a learner's place keeps the learner from
being called under their cap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from labs.catalogue.ec2 import INSTANCE
from labs.catalogue.vpc import VPC
from labs.classroom.inventory import LabStackListing
from labs.cost.running import RunningResource, Unverified
from labs.deployed.stack import StackResource
from labs.leftovers.model import STACK_NAME_TAG, tail
from labs.shared_facts import TAG_LAB, TAG_OWNER

BY_HAND = "made by hand"
LEFT_OVER = "left over by a lab"


@dataclass(frozen=True, kw_only=True)
class PricedResource:
    """A running resource and where it came from, for the spend report."""

    resource: RunningResource
    origin: str  # "stack <name>", LEFT_OVER or BY_HAND


@dataclass(frozen=True, kw_only=True)
class LearnerSpend:
    """One learner's running resources, priced, against their cap (USD per hour, None: no cap)."""

    owner: str
    where: str
    resources: tuple[PricedResource, ...]
    cap_usd_per_hour: float | None
    first_deployed: datetime | None
    now: datetime
    # ids, ARNs or Name tags the teacher exempted: not counted against the cap, shown as exempt
    exempt: frozenset[str] = frozenset()
    # what the scan of the learner's place could not see: their spend is not known whole
    unverified: tuple[Unverified, ...] = ()

    def is_exempt(self, resource: RunningResource) -> bool:
        """Whether the teacher exempted this resource by its id, ARN or Name tag."""
        return bool(self.exempt & {resource.identifier, tail(resource.identifier), resource.name} - {""})

    @property
    def counted(self) -> tuple[PricedResource, ...]:
        """The resources that count against the cap: every one not exempted."""
        return tuple(p for p in self.resources if not self.is_exempt(p.resource))

    @property
    def exempted(self) -> tuple[PricedResource, ...]:
        return tuple(p for p in self.resources if self.is_exempt(p.resource))

    @property
    def usd_per_hour(self) -> float:
        """What the counted resources the kit could price cost an hour (see `unpriced` for the rest)."""
        return sum(p.resource.usd_per_hour or 0.0 for p in self.counted)

    @property
    def so_far(self) -> float:
        """What the running resources have cost since each started (an address: since the learner's first
        stack); resources already gone are not counted."""
        return sum(p.resource.cost_since(self.first_deployed, self.now) for p in self.resources)

    @property
    def over_cap(self) -> bool:
        """Strictly over the cap, or running something the kit cannot price (treated as over)."""
        if self.cap_usd_per_hour is None:
            return False
        return self.usd_per_hour > self.cap_usd_per_hour or bool(self.unpriced)

    @property
    def outside_the_kit(self) -> tuple[PricedResource, ...]:
        return tuple(p for p in self.resources if not p.origin.startswith("stack "))

    @property
    def unpriced(self) -> tuple[RunningResource, ...]:
        """Counted resources the kit cannot price: each treated as over the cap."""
        return tuple(p.resource for p in self.counted if p.resource.usd_per_hour is None)


@dataclass(frozen=True, kw_only=True)
class PlaceSpend:
    """What runs in one place, by learner, and what belongs to nobody on the roster."""

    by_owner: Mapping[str, LearnerSpend]
    nobodys: tuple[RunningResource, ...]  # in a shared account, tied to no learner on the roster


class _Owners:
    """What ties a resource to a learner in one place: the lab stacks' resources, tags, VPCs, groups."""

    def __init__(self, listings: Sequence[LabStackListing], resources: Mapping[str, Sequence[StackResource]]):
        self.stack_owner = {listing.name: listing.owner for listing in listings}
        self.by_tail: dict[str, str] = {}
        self.by_vpc: dict[str, str] = {}
        for name, items in resources.items():
            for item in items:
                if item.physical_id and item.status != "DELETE_COMPLETE":
                    self.by_tail[tail(item.physical_id)] = name
                    if item.resource_type == VPC.cfn_type:
                        self.by_vpc[item.physical_id] = name

    def stack_of(self, resource: RunningResource, attached: Mapping[str, str]) -> str | None:
        for key in (tail(resource.identifier), resource.attached_to):
            if key in self.by_tail:
                return self.by_tail[key]
        if resource.tags.get(STACK_NAME_TAG) in self.stack_owner:
            return resource.tags[STACK_NAME_TAG]
        if resource.vpc_id in self.by_vpc:
            return self.by_vpc[resource.vpc_id]
        return attached.get(resource.attached_to)


def attribute(
    running: Iterable[RunningResource],
    *,
    owners: Sequence[str],
    own_account: bool,
    listings: Sequence[LabStackListing],
    stack_resources: Mapping[str, Sequence[StackResource]],
) -> tuple[dict[str, list[PricedResource]], list[RunningResource]]:
    """(owner -> their priced resources, resources tied to nobody) for one place's running resources.

    `own_account`: the place is one learner's account, so whatever no stack owns is theirs.
    """
    ties = _Owners(listings, stack_resources)
    found: dict[str, list[PricedResource]] = {owner: [] for owner in owners}
    nobodys: list[RunningResource] = []
    stack_by_instance: dict[str, str] = {}
    # instances first: what is attached to one follows it
    ordered = sorted(running, key=lambda r: r.resource_type != INSTANCE.cfn_type)
    for resource in ordered:
        stack = ties.stack_of(resource, stack_by_instance)
        owner = ties.stack_owner.get(stack or "")
        if stack is not None and owner in found:
            stack_by_instance[resource.identifier] = stack
            found[owner].append(PricedResource(resource=resource, origin=f"stack {stack}"))
        elif resource.tags.get(TAG_OWNER) in found and TAG_LAB in resource.tags:
            found[resource.tags[TAG_OWNER]].append(PricedResource(resource=resource, origin=LEFT_OVER))
        elif own_account and len(owners) == 1 and stack is None:
            found[owners[0]].append(PricedResource(resource=resource, origin=BY_HAND))
        else:
            nobodys.append(resource)
    return found, nobodys


def place_spend(
    running: Iterable[RunningResource],
    *,
    owners: Sequence[str],
    where: str,
    own_account: bool,
    listings: Sequence[LabStackListing],
    stack_resources: Mapping[str, Sequence[StackResource]],
    caps: Mapping[str, float | None],
    now: datetime,
    exempt: frozenset[str] = frozenset(),
    unverified: Sequence[Unverified] = (),
) -> PlaceSpend:
    """Each learner's spend in one place, and what no learner there owns."""
    found, nobodys = attribute(
        running, owners=owners, own_account=own_account, listings=listings, stack_resources=stack_resources
    )
    first: dict[str, datetime] = {}
    for listing in listings:
        if listing.owner in found:
            first[listing.owner] = min(first.get(listing.owner, listing.created), listing.created)
    spends = {
        owner: LearnerSpend(
            owner=owner,
            where=where,
            resources=tuple(items),
            cap_usd_per_hour=caps.get(owner),
            first_deployed=first.get(owner),
            now=now,
            exempt=exempt,
            unverified=tuple(unverified),
        )
        for owner, items in found.items()
    }
    return PlaceSpend(by_owner=spends, nobodys=tuple(nobodys))
