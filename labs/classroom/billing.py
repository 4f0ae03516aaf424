"""What still bills after `labkit class destroy`: what no lab stack made (a learner's console instance, a
lab's leftover, something nobody on the roster owns), from the same live scan as `labkit class status`,
each with the command that stops it. The destroy never deletes these itself: the teacher's role may delete
only the kit's stacks, and what a learner made by hand is theirs to keep or stop.
"""

from __future__ import annotations

from dataclasses import dataclass

from labs.catalogue import UnknownResourceTypeError, entry
from labs.catalogue.ec2 import INSTANCE, VOLUME
from labs.classroom.status import ClassStatus
from labs.cost.running import RunningResource


@dataclass(frozen=True, kw_only=True)
class StillBilling:
    """A resource that bills after the destroy, whose it is, and how to stop it."""

    owner: str | None  # None: tied to nobody on the roster (a shared account)
    where: str
    resource: RunningResource
    origin: str
    stop: str


def stop_command(resource: RunningResource, region: str, stopping: frozenset[str] = frozenset()) -> str:
    """The command that stops the resource in its region (a volume of an instance being stopped goes with
    it when it is the instance's root volume); the console for a kind the kit has no command for. The command
    is the type's catalogue entry's (labs/catalogue/, its running scan's `stop`)."""
    if resource.resource_type == VOLUME.cfn_type and resource.attached_to in stopping:
        return f"goes with {resource.attached_to} if it is its root volume; else detach it and delete it"
    try:
        running = entry(resource.resource_type).running
    except UnknownResourceTypeError:
        running = None
    if running is None or not running.stop:
        return f"stop {resource.identifier} in the console ({resource.resource_type})"
    return running.stop.format(id=resource.identifier) + f" --region {resource.region or region}"


def _region(where: str) -> str:
    # a place's label: `<account or shared account> <region>`
    return where.rsplit(" ", 1)[-1]


def still_billing(status: ClassStatus) -> list[StillBilling]:
    """Every resource of the live scan no lab stack owns, priced, in the roster's order."""
    found: list[tuple[str | None, str, RunningResource, str]] = [
        (spend.owner, spend.where, priced.resource, priced.origin)
        for spend in status.spend
        for priced in spend.outside_the_kit
    ]
    found += [(None, where, resource, "tied to nobody on the roster") for where, resource in status.nobodys]
    stopping = frozenset(r.identifier for _, _, r, _ in found if r.resource_type == INSTANCE.cfn_type)
    return [
        StillBilling(
            owner=owner,
            where=where,
            resource=resource,
            origin=origin,
            stop=stop_command(resource, _region(where), stopping),
        )
        for owner, where, resource, origin in found
    ]
