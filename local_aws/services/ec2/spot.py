"""Spot parity fixes: a mixed-instances Auto Scaling group launches Spot instances as AWS does, and EC2
answers with Spot prices. The interruption itself is labs/emulator/interruptions.py.

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
import zlib
from datetime import UTC, datetime
from typing import Any

from labs.emulator.parity.base import (
    ParityFix,
    from_moto,
    original,
    parity_fix,
    replace,
    replace_classmethod,
)
from labs.emulator.parity.ec2 import offering_zones

SPOT = "spot"
# the product EC2 names in price history for Linux (EC2 API reference: SpotPrice)
LINUX = "Linux/UNIX"


@functools.cache
def _price_table() -> Any:
    from labs.cost.prices import load_prices

    return load_prices()


def spot_prices(region: str, instance_type: str) -> dict[str, float]:
    """Zone -> the emulator's Spot price of `instance_type`, spread over the kit's dated range.

    Each type's cheapest zone differs (a stable hash of type and zone), as real pools differ per zone.
    """
    table = _price_table()
    spot = table.spot_types.get(instance_type)
    zones = offering_zones(region, instance_type)
    if spot is None or not zones:
        return {}
    ranked = sorted(zones, key=lambda zone: zlib.crc32(f"{instance_type}/{zone}".encode()))
    step = (spot.usd_per_hour_high - spot.usd_per_hour_low) / max(1, len(ranked) - 1)
    return {zone: round(spot.usd_per_hour_low + step * i, 6) for i, zone in enumerate(ranked)}


def on_demand_price(instance_type: str) -> float | None:
    """The on-demand price of an instance type in USD per hour, or None when not priced."""
    price = _price_table().instance_types.get(instance_type)
    return price.usd_per_hour if price else None


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
    request_class = from_moto("moto.ec2.models.spot_requests", "SpotInstanceRequest")
    random_id = from_moto("moto.ec2.utils", "random_spot_request_id")

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
                "Code": self._status_code,
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
    state_class = from_moto("moto.autoscaling.models", "InstanceState")
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
    group_class = from_moto("moto.autoscaling.models", "FakeAutoScalingGroup")
    name_tag = from_moto("moto.autoscaling.models", "ASG_NAME_TAG")
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
    group_class = from_moto("moto.autoscaling.models", "FakeAutoScalingGroup")
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


def price_history(region: str, instance_types: list[str], zones: list[str] | None) -> list[dict[str, str]]:
    """DescribeSpotPriceHistory's entries: the current price of each (type, zone), dated by the table."""
    stamp = f"{_price_table().spot_as_of}T00:00:00.000Z"
    entries = []
    for instance_type in instance_types or sorted(_price_table().spot_types):
        for zone, price in sorted(spot_prices(region, instance_type).items()):
            if zones and zone not in zones:
                continue
            entries.append(
                {
                    "AvailabilityZone": zone,
                    "InstanceType": instance_type,
                    "ProductDescription": LINUX,
                    "SpotPrice": f"{price:.6f}",
                    "Timestamp": stamp,
                }
            )
    return entries


@parity_fix(
    "Spot price history has prices",
    moto_does="answers DescribeSpotPriceHistory with $0.00001 for every type, dated 2006-01-02",
    aws_does="answers with each zone's Spot price of the type and when it was set (the emulator's prices "
    "are the kit's dated estimate in labs/cost/prices.json, not live prices)",
)
def spot_price_history_has_prices() -> None:
    """Patches moto: Spot price history has prices."""
    responses = from_moto("moto.ec2.responses.spot_instances", "SpotInstances")
    action_result = from_moto("moto.core.responses", "ActionResult")

    def describe_spot_price_history(self: Any) -> Any:
        instance_types = self._get_param("InstanceTypes", [])
        filters = self._filters_from_querystring()
        types = instance_types or list(filters.get("instance-type", []))
        zones = list(filters.get("availability-zone", [])) or (
            [self._get_param("AvailabilityZone")] if self._get_param("AvailabilityZone") else None
        )
        return action_result({"SpotPriceHistory": price_history(self.region, types, zones)})

    replace(responses, "describe_spot_price_history", describe_spot_price_history)


@parity_fix(
    "a Spot group's scaling activities",
    moto_does="answers DescribeScalingActivities with no activity, ever",
    aws_does="lists each launch and termination of a group with its cause (a capacity difference, a "
    "rebalance recommendation, an interrupted instance), newest first (the emulator records a mixed-"
    "instances group's)",
)
def spot_group_scaling_activities() -> None:
    """Patches moto: a Spot group's scaling activities."""
    responses = from_moto("moto.autoscaling.responses", "AutoScalingResponse")
    action_result = from_moto("moto.core.responses", "ActionResult")

    def describe_scaling_activities(self: Any) -> Any:
        name = self._get_param("AutoScalingGroupName")
        groups = self.autoscaling_backend.autoscaling_groups
        chosen = [groups[name]] if name in groups else [] if name else list(groups.values())
        activities = [a for g in chosen for a in getattr(g, "labkit_activities", [])]
        newest_first = sorted(activities, key=lambda a: a["StartTime"], reverse=True)
        return action_result({"Activities": newest_first[: int(self._get_param("MaxRecords") or 100)]})

    replace(responses, "describe_scaling_activities", describe_scaling_activities)


FIXES: tuple[ParityFix, ...] = (
    mixed_groups_launch_spot,
    cloudformation_capacity_rebalance,
    spot_price_history_has_prices,
    spot_group_scaling_activities,
)
