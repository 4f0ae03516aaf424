"""What still bills after `labkit class destroy`: what no lab stack made (a learner's console instance, a
lab's leftover, something nobody on the roster owns), from the same live scan as `labkit class status`,
each with the command that stops it. The destroy never deletes these itself: the teacher's role may delete
only the kit's stacks, and what a learner made by hand is theirs to keep or stop.
"""

from __future__ import annotations

from dataclasses import dataclass

from labs.classroom.status import ClassStatus
from labs.cost.running import RunningResource

# the AWS CLI command that stops each kind of billed resource the live scan finds
_STOP = {
    "AWS::EC2::Instance": "aws ec2 terminate-instances --instance-ids {id}",
    "AWS::EC2::Volume": "aws ec2 delete-volume --volume-id {id}",
    "AWS::EC2::EIP": "aws ec2 release-address --allocation-id {id}",
    "AWS::EC2::NatGateway": "aws ec2 delete-nat-gateway --nat-gateway-id {id}",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "aws elbv2 delete-load-balancer --load-balancer-arn {id}",
}


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
    it when it is the instance's root volume); the console for a kind the kit has no command for."""
    if resource.resource_type == "AWS::EC2::Volume" and resource.attached_to in stopping:
        return f"goes with {resource.attached_to} if it is its root volume; else detach it and delete it"
    template = _STOP.get(resource.resource_type)
    if template is None:
        return f"stop {resource.identifier} in the console ({resource.resource_type})"
    return template.format(id=resource.identifier) + f" --region {region}"


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
    stopping = frozenset(r.identifier for _, _, r, _ in found if r.resource_type == "AWS::EC2::Instance")
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
