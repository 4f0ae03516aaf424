"""Is the lab's instance type offered in the zones the lab will use? Not every zone has every type
(us-east-1e has no Graviton t4g), and a deploy into such a zone fails only when the instance is created."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from labs.preflight.lines import FAIL, OK, Line, unreadable

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

# how many of the region's zones each instance lab uses: its VPC takes the region's first two (Fn::GetAZs),
# LabEc2's instance the first unless availabilityZone says otherwise
ZONES_USED = {"LabEc2": 1, "LabAsg": 2}
ZONE_CONTEXT = "availabilityZone"


def region_zones(ec2: EC2Client) -> list[str]:
    """The region's availability zones in the order CloudFormation's Fn::GetAZs lists them."""
    zones = ec2.describe_availability_zones(Filters=[{"Name": "zone-type", "Values": ["availability-zone"]}])
    return sorted(zone["ZoneName"] for zone in zones["AvailabilityZones"] if zone.get("State") == "available")


def offering_zones(ec2: EC2Client, instance_type: str) -> set[str]:
    pages = ec2.get_paginator("describe_instance_type_offerings").paginate(
        LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": [instance_type]}]
    )
    return {offer["Location"] for page in pages for offer in page["InstanceTypeOfferings"]}


def zones_of(lab_id: str, region_zones: Sequence[str], chosen_zone: str | None) -> list[str]:
    if lab_id == "LabEc2" and chosen_zone:
        return [chosen_zone]
    return list(region_zones[: ZONES_USED.get(lab_id, 0)])


def instance_type_line(
    ec2: EC2Client, *, lab_id: str, instance_types: Sequence[str], chosen_zone: str | None
) -> Line | None:
    """One line for the lab's instance types in its zones; None for a lab without instances."""
    if not instance_types or lab_id not in ZONES_USED:
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
    if lab_id == "LabEc2":
        return f"set -c {ZONE_CONTEXT}={alternatives[0]} (or cdk.json), and pass --zone to preflight"
    return f"{lab_id} uses the region's first two zones: deploy it in a region where both offer the type"
