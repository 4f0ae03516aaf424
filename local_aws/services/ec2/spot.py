"""Spot parity fixes: a mixed-instances Auto Scaling group launches Spot instances as AWS does. EC2's Spot
prices are spot_prices.py; the interruption itself is interruptions.py.

AWS's behaviour, from its documentation: a group's mixed-instances policy launches `OnDemandBaseCapacity`
on-demand, then `OnDemandPercentageAboveBaseCapacity` of the rest on-demand and the remainder as Spot, from
the policy's override types, balanced across the group's zones (Auto Scaling user guide: ec2-auto-scaling-
mixed-instances-groups, allocation strategies); a Spot instance carries `InstanceLifecycle: spot` and the id
of its one-time Spot request (EC2 API reference: Instance, SpotInstanceRequest).
"""

from __future__ import annotations

import functools
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import (
    moto_name,
    original,
    replace,
    replace_classmethod,
    request_param,
    spot_request_code,
)
from local_aws.services.ec2.instances import offering_zones
from local_aws.services.ec2.spot_prices import on_demand_price, spot_prices

SPOT = "spot"


def _overrides(group: Any) -> list[str]:
    policy = group.mixed_instances_policy or {}
    overrides = (policy.get("LaunchTemplate") or {}).get("Overrides") or []
    return [str(o["InstanceType"]) for o in overrides if o.get("InstanceType")]


def _distribution(group: Any) -> dict[str, Any]:
    return dict((group.mixed_instances_policy or {}).get("InstancesDistribution") or {})


def on_demand_share(group: Any, total: int) -> int:
    """How many of `total` instances the policy runs on-demand (the rest are Spot)."""
    distribution = _distribution(group)
    base = int(distribution.get("OnDemandBaseCapacity", 0))
    percent = int(distribution.get("OnDemandPercentageAboveBaseCapacity", 100))
    if total <= base:
        return total
    return base + int((total - base) * percent / 100)


def staying(group: Any) -> list[Any]:
    """The group's in-service instances that are not being interrupted."""
    return [
        state.instance
        for state in group.instance_states
        if state.lifecycle_state == "InService" and not getattr(state.instance, "labkit_interrupted_at", None)
    ]


def _zones(group: Any, ec2: Any) -> list[tuple[str | None, str]]:
    """(subnet id, zone) pairs the group launches into."""
    subnet_ids = [s for s in (group.vpc_zone_identifier or "").split(",") if s]
    if subnet_ids:
        return [(s, str(ec2.get_subnet(s).availability_zone)) for s in subnet_ids]
    return [(None, str(zone)) for zone in group.availability_zones]


def choose_pool(group: Any, ec2: Any, *, market: str) -> tuple[str, str | None, str]:
    """(instance type, subnet, zone) of the next launch: the zone with fewest of the group's instances first
    (Auto Scaling balances zones), then for Spot the cheapest pool not lately interrupted (the emulator's
    price-capacity-optimized: it has no capacity data), for on-demand the first override (prioritized)."""
    region = ec2.region_name
    types = _overrides(group)
    avoided: set[tuple[str, str]] = getattr(group, "labkit_unavailable_pools", set())
    per_zone: dict[str, int] = {}
    for instance in staying(group):
        per_zone[instance.availability_zone] = per_zone.get(instance.availability_zone, 0) + 1
    candidates = []
    for order, instance_type in enumerate(types):
        offered = offering_zones(region, instance_type)
        prices = spot_prices(region, instance_type)
        for subnet, zone in _zones(group, ec2):
            if offered and zone not in offered:
                continue
            price = prices.get(zone, float("inf")) if market == SPOT else float(order)
            unavailable = (instance_type, zone) in avoided
            candidates.append(
                ((unavailable, per_zone.get(zone, 0), price, order), instance_type, subnet, zone)
            )
    if not candidates:
        raise RuntimeError(f"no override type of {group.name} is offered in its zones")
    _, instance_type, subnet, zone = min(candidates, key=lambda c: c[0])
    return instance_type, subnet, zone


def _next_market(group: Any) -> str:
    current = staying(group)
    on_demand = sum(1 for i in current if getattr(i, "lifecycle", None) != SPOT)
    wanted = on_demand_share(group, max(group.desired_capacity or 0, len(current) + 1))
    return "on-demand" if on_demand < wanted else SPOT


def _spot_request(ec2: Any, instance: Any, instance_type: str) -> Any:
    """A fulfilled one-time Spot request for an instance the group launched, as AWS records it."""
    request_class = moto_name("ec2.SpotInstanceRequest")
    random_id = moto_name("ec2.random_spot_request_id")

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    class GroupSpotRequest(request_class):  # type: ignore[misc,valid-type]
        """moto's request launches its own instance; this one records the group's."""

        def __init__(self, *args: Any) -> None:
            self.labkit_created = self.labkit_updated = now
            super().__init__(*args)

        def launch_instance(self) -> Any:
            return instance

        @property
        def create_time(self) -> str:
            return str(self.labkit_created)

        @property
        def status(self) -> dict[str, Any]:
            return {
                "Code": spot_request_code(self),
                "Message": self.status_message,
                "UpdateTime": self.labkit_updated,
            }

    maximum = on_demand_price(instance_type)
    request = GroupSpotRequest(
        ec2,
        random_id(),
        f"{maximum}" if maximum else "",  # no SpotMaxPrice: the on-demand price is the maximum
        instance.image_id,
        "one-time",
        None,
        None,
        None,
        None,
        "",
        [group.id for group in instance.security_groups],
        None,
        instance_type,
        instance.availability_zone,
        None,
        None,
        False,
        instance.subnet_id,
        {},
        None,
        "terminate",
    )
    request.status_message = "Your Spot request is fulfilled."
    ec2.spot_instance_requests[request.id] = request
    instance.spot_instance_request_id = request.id
    return request


# the causes Auto Scaling gives its activities (Auto Scaling user guide: scaling activities), in its form
CAPACITY_CAUSE = "an instance was started in response to a difference between desired and actual capacity"
REBALANCE_LAUNCH_CAUSE = "an instance was launched in response to an EC2 instance rebalance recommendation"
REBALANCE_TERMINATE_CAUSE = (
    "an instance was taken out of service in response to an EC2 instance rebalance recommendation"
)
INTERRUPTED_CAUSE = (
    "an instance was taken out of service in response to an EC2 health check indicating it has been "
    "terminated or stopped"
)


def record_activity(group: Any, instance: Any, *, launching: bool, cause: str) -> None:
    """One of the group's scaling activities, as DescribeScalingActivities lists them."""
    now = datetime.now(UTC)
    verb = "Launching a new EC2 instance" if launching else "Terminating EC2 instance"
    activities: list[dict[str, Any]] = getattr(group, "labkit_activities", [])
    activities.append(
        {
            "ActivityId": str(uuid.uuid4()),
            "AutoScalingGroupName": group.name,
            "AutoScalingGroupARN": group.arn,
            "Description": f"{verb}: {instance.id}",
            "Cause": f"At {now:%Y-%m-%dT%H:%M:%S}Z {cause}.",
            "StartTime": now,
            "EndTime": now,
            "StatusCode": "Successful",
            "Progress": 100,
            "Details": json.dumps(
                {"Subnet ID": instance.subnet_id, "Availability Zone": instance.availability_zone}
            ),
        }
    )
    group.labkit_activities = activities


def launch_into_group(group: Any, propagated_tags: dict[str, str], *, cause: str = CAPACITY_CAUSE) -> Any:
    """Launch one instance of a mixed-instances group, Spot or on-demand as its policy says."""
    ec2 = group.autoscaling_backend.ec2_backend
    market = _next_market(group)
    instance_type, subnet, zone = choose_pool(group, ec2, market=market)
    template = group.ec2_launch_template
    reservation = ec2.run_instances(
        group.image_id,
        1,
        group.user_data,
        group.security_groups,
        instance_type=instance_type,
        tags={"instance": propagated_tags},
        placement=zone,
        launch_config=None,
        launch_template={"LaunchTemplateId": template.id} if template is not None else None,
        is_instance_type_default=False,
        associate_public_ip=None,
        subnet_id=subnet,
        lifecycle=SPOT if market == SPOT else None,
    )
    instance = reservation.instances[0]
    if market == SPOT:
        _spot_request(ec2, instance, instance_type)
    instance.autoscaling_group = group
    record_activity(group, instance, launching=True, cause=cause)
    state_class = moto_name("autoscaling.InstanceState")
    group.instance_states.append(
        state_class(instance, protected_from_scale_in=group.new_instances_protected_from_scale_in)
    )
    return instance


@parity_fix(
    "mixed-instances groups launch Spot instances",
    moto_does="splits a mixed-instances group into on-demand and Spot counts but launches every instance "
    "on-demand, of the launch template's type, in the group's first subnet, with no Spot request",
    aws_does="launches the Spot share as Spot instances (InstanceLifecycle spot, a fulfilled one-time Spot "
    "request) of the policy's override types, balanced across the group's zones",
)
def mixed_groups_launch_spot() -> None:
    """Patches moto: mixed-instances groups launch Spot instances."""
    group_class = moto_name("autoscaling.FakeAutoScalingGroup")
    name_tag = moto_name("autoscaling.ASG_NAME_TAG")
    original_replace = original(group_class, "replace_autoscaling_group_instances")

    @functools.wraps(original_replace)
    def replace_instances(self: Any, count_needed: int, propagated_tags: dict[str, str]) -> None:
        if not _overrides(self):
            original_replace(self, count_needed, propagated_tags)
            return
        tags = {**propagated_tags, name_tag: self.name, **self.instance_tags}
        for _ in range(count_needed):
            launch_into_group(self, dict(tags))

    replace(group_class, "replace_autoscaling_group_instances", replace_instances)


@parity_fix(
    "CloudFormation sets a group's CapacityRebalance",
    moto_does="ignores CapacityRebalance in AWS::AutoScaling::AutoScalingGroup (the group shows false)",
    aws_does="creates the group with capacity rebalancing on when the template says so",
)
def cloudformation_capacity_rebalance() -> None:
    """Patches moto: CloudFormation sets a group's CapacityRebalance."""
    group_class = moto_name("autoscaling.FakeAutoScalingGroup")
    create = original(group_class, "create_from_cloudformation_json")

    def create_group(
        cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any
    ) -> Any:
        group = create(cls, name, template, account_id, region, **kw)
        group.capacity_rebalance = (
            str(template["Properties"].get("CapacityRebalance", False)).lower() == "true"
        )
        return group

    replace_classmethod(group_class, "create_from_cloudformation_json", create_group)


@parity_fix(
    "a Spot group's scaling activities",
    moto_does="answers DescribeScalingActivities with no activity, ever",
    aws_does="lists each launch and termination of a group with its cause (a capacity difference, a "
    "rebalance recommendation, an interrupted instance), newest first (the emulator records a mixed-"
    "instances group's)",
)
def spot_group_scaling_activities() -> None:
    """Patches moto: a Spot group's scaling activities."""
    responses = moto_name("autoscaling.AutoScalingResponse")
    action_result = moto_name("core.ActionResult")

    def describe_scaling_activities(self: Any) -> Any:
        name = request_param(self, "AutoScalingGroupName")
        groups = self.autoscaling_backend.autoscaling_groups
        chosen = [groups[name]] if name in groups else [] if name else list(groups.values())
        activities = [a for g in chosen for a in getattr(g, "labkit_activities", [])]
        newest_first = sorted(activities, key=lambda a: a["StartTime"], reverse=True)
        return action_result({"Activities": newest_first[: int(request_param(self, "MaxRecords") or 100)]})

    replace(responses, "describe_scaling_activities", describe_scaling_activities)


FIXES: tuple[ParityFix, ...] = (
    mixed_groups_launch_spot,
    cloudformation_capacity_rebalance,
    spot_group_scaling_activities,
)
