"""Is the lab's instance type offered in the zones the lab will use? Not every zone has every type
(us-east-1e has no Graviton t4g), and a deploy into such a zone fails only when the instance is created."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from labs.preflight.results import FAIL, OK, Line, unreadable
from labs.registry import lab

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

ZONE_CONTEXT = "availabilityZone"


def region_zones(ec2: EC2Client) -> list[str]:
    """The zones CloudFormation's Fn::GetAZs returns, in its order: only the zones that have a default subnet,
    or every zone when none has one, alphabetically (CloudFormation template reference: Fn::GetAZs)."""
    zones = ec2.describe_availability_zones(Filters=[{"Name": "zone-type", "Values": ["availability-zone"]}])
    available = {zone["ZoneName"] for zone in zones["AvailabilityZones"] if zone.get("State") == "available"}
    with_default_subnet = available & default_subnet_zones(ec2)
    return sorted(with_default_subnet or available)


def default_subnet_zones(ec2: EC2Client) -> set[str]:
    """The zones in which the account has a default subnet (describe-subnets default-for-az)."""
    pages = ec2.get_paginator("describe_subnets").paginate(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}]
    )
    return {subnet["AvailabilityZone"] for page in pages for subnet in page["Subnets"]}


def zone_pick_line(ec2: EC2Client, *, lab_id: str, chosen_zone: str | None) -> Line | None:
    """The zone(s) `Fn::Select [i, Fn::GetAZs]` will give the lab, as CloudFormation will pick them."""
    needs = lab(lab_id).zones
    if needs is None or (needs.follows_zone_setting and chosen_zone):
        return None
    check = f"zones CloudFormation picks for {lab_id} (Fn::GetAZs)"
    try:
        zones = region_zones(ec2)
        defaults = default_subnet_zones(ec2)
    except ClientError as error:
        return unreadable(check, error, fix="allow ec2:DescribeAvailabilityZones and ec2:DescribeSubnets")
    picked = zones[: needs.zone_count]
    why = (
        "the first zones with a default subnet"
        if defaults & set(zones)
        else "no default subnet: the first zones"
    )
    detail = f"{', '.join(picked)} ({why}, alphabetically)"
    if len(picked) < needs.zone_count:
        return Line(
            check=check,
            status=FAIL,
            detail=f"{lab_id} needs {needs.zone_count} zones; Fn::GetAZs returns {len(zones)}: {detail}",
            fix="add a default subnet in another zone (aws ec2 create-default-subnet --availability-zone)",
        )
    fix = f"pin it: -c {ZONE_CONTEXT}=<zone> (cdk.json)" if needs.follows_zone_setting else ""
    return Line(check=check, status=OK, detail=detail, fix=fix)


def offering_zones(ec2: EC2Client, instance_type: str) -> set[str]:
    """The zones that offer the instance type."""
    pages = ec2.get_paginator("describe_instance_type_offerings").paginate(
        LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": [instance_type]}]
    )
    return {offer["Location"] for page in pages for offer in page["InstanceTypeOfferings"]}


def zones_of(lab_id: str, region_zones: Sequence[str], chosen_zone: str | None) -> list[str]:
    """The zones the lab's instances go to, as its descriptor's ZoneNeeds says (none for other labs)."""
    needs = lab(lab_id).zones
    if needs is None:
        return []
    if needs.follows_zone_setting and chosen_zone:
        return [chosen_zone]
    return list(region_zones[: needs.zone_count])


def instance_type_line(
    ec2: EC2Client, *, lab_id: str, instance_types: Sequence[str], chosen_zone: str | None
) -> Line | None:
    """One line for the lab's instance types in its zones; None for a lab without instances."""
    if not instance_types or lab(lab_id).zones is None:
        return None
    check = f"{', '.join(instance_types)} offered in {lab_id}'s zones"
    try:
        zones = zones_of(lab_id, region_zones(ec2), chosen_zone)
        offered = {instance_type: offering_zones(ec2, instance_type) for instance_type in instance_types}
    except ClientError as error:
        return unreadable(check, error, fix="allow ec2:DescribeInstanceTypeOfferings to see more")
    missing = [(t, zone) for t, where in offered.items() for zone in zones if zone not in where]
    if not missing:
        return Line(check=check, status=OK, detail=f"offered in {', '.join(zones)}")
    instance_type, zone = missing[0]
    alternatives = sorted(offered[instance_type])
    return Line(
        check=check,
        status=FAIL,
        detail=f"{instance_type} is not offered in {zone}"
        + (f" (offered in {', '.join(alternatives)})" if alternatives else " nor anywhere in this region"),
        fix=_fix(lab_id, alternatives),
    )


def _fix(lab_id: str, alternatives: Sequence[str]) -> str:
    if not alternatives:
        return "deploy in another region (--region)"
    needs = lab(lab_id).zones
    if needs is not None and needs.follows_zone_setting:
        return f"set -c {ZONE_CONTEXT}={alternatives[0]} (or cdk.json), and pass --zone to preflight"
    count = needs.zone_count if needs else 1
    return (
        f"{lab_id} uses the region's first {count} zones: deploy it in a region where they all offer the type"
    )
