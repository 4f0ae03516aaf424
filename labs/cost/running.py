"""What runs in one account and region now, each resource priced as `labkit cost` prices a template.

Not billing data (Cost Explorer lags up to a day): the running instances, their volumes, public IPv4
addresses, NAT gateways and load balancers, read with Describe calls and priced with the kit's price table
(labs/cost/prices.json), so a spend shows within minutes of its start, whoever made it and however.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.cost.calculator import disk_usd_per_hour
from labs.cost.prices import CostError, PriceTable
from labs.cost.resources import Disk

if TYPE_CHECKING:
    import boto3

# instance states that bill for the instance (AWS bills from pending to running; stopped bills its volumes)
BILLED_INSTANCE_STATES = frozenset({"pending", "running"})


@dataclass(frozen=True, kw_only=True)
class RunningResource:
    """One billed resource: what it is, its price per hour (None: not in the price table), since when."""

    resource_type: str
    identifier: str
    what: str
    usd_per_hour: float | None
    since: datetime | None
    tags: Mapping[str, str] = field(default_factory=dict)
    vpc_id: str = ""
    # the instance a volume or address is on, the group an instance belongs to
    attached_to: str = ""
    note: str = ""

    def cost_since(self, start: datetime | None, now: datetime) -> float:
        """What it has cost from `since` (else `start`, else nothing) until `now`."""
        begin = self.since or start
        if self.usd_per_hour is None or begin is None:
            return 0.0
        return self.usd_per_hour * max(0.0, (now - begin).total_seconds() / 3600)


def running_resources(session: boto3.Session, prices: PriceTable) -> list[RunningResource]:
    """Every billed resource the session's account runs in its region, priced by the hour."""
    ec2: Any = session.client("ec2")
    addresses = ec2.describe_addresses().get("Addresses", [])
    elastic_ips = {address.get("PublicIp") for address in addresses}
    found = [*_instances(ec2, prices, elastic_ips), *_volumes(ec2, prices)]
    found += [_address(address, prices) for address in addresses]
    found += list(_nat_gateways(ec2, prices))
    found += list(_load_balancers(session, prices))
    return found


def _tags(items: Any) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in items or [] if "Key" in t}


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key, [])


def _instances(ec2: Any, prices: PriceTable, elastic_ips: set[str]) -> Iterator[RunningResource]:
    for reservation in _pages(ec2, "describe_instances", "Reservations"):
        for instance in reservation.get("Instances", []):
            if instance.get("State", {}).get("Name") not in BILLED_INSTANCE_STATES:
                continue
            instance_id, instance_type = instance["InstanceId"], instance.get("InstanceType", "?")
            tags = _tags(instance.get("Tags"))
            try:
                usd: float | None = prices.instance(instance_type, where=instance_id).usd_per_hour
                note = ""
            except CostError as error:
                usd, note = None, str(error)
            public_ip = instance.get("PublicIpAddress")
            if public_ip and public_ip not in elastic_ips:  # an Elastic IP is priced on its own
                usd = None if usd is None else usd + prices.hourly("public_ipv4")
            yield RunningResource(
                resource_type="AWS::EC2::Instance",
                identifier=instance_id,
                what=f"{instance_type} instance"
                + (" with a public IPv4" if public_ip not in (None, *elastic_ips) else ""),
                usd_per_hour=usd,
                since=instance.get("LaunchTime"),
                tags=tags,
                vpc_id=instance.get("VpcId", ""),
                attached_to=tags.get("aws:autoscaling:groupName", ""),
                note=note,
            )


def _volumes(ec2: Any, prices: PriceTable) -> Iterator[RunningResource]:
    for volume in _pages(ec2, "describe_volumes", "Volumes"):
        disk = Disk(
            size_gib=float(volume.get("Size", 0)),
            volume_type=str(volume.get("VolumeType", "gp2")),
            iops=volume.get("Iops"),
            throughput_mibps=volume.get("Throughput"),
        )
        try:
            usd: float | None = disk_usd_per_hour(disk, prices, where=volume["VolumeId"])
            note = ""
        except CostError as error:
            usd, note = None, str(error)
        attachments = volume.get("Attachments", [])
        yield RunningResource(
            resource_type="AWS::EC2::Volume",
            identifier=volume["VolumeId"],
            what=f"{disk.size_gib:g} GiB {disk.volume_type} volume ({volume.get('State', '?')})",
            usd_per_hour=usd,
            since=volume.get("CreateTime"),
            tags=_tags(volume.get("Tags")),
            attached_to=attachments[0].get("InstanceId", "") if attachments else "",
            note=note,
        )


def _address(address: Mapping[str, Any], prices: PriceTable) -> RunningResource:
    # every public IPv4 address bills by the hour since 2024-02-01, attached or not (VPC pricing page)
    return RunningResource(
        resource_type="AWS::EC2::EIP",
        identifier=str(address.get("AllocationId") or address.get("PublicIp")),
        what=f"Elastic IP {address.get('PublicIp', '?')}",
        usd_per_hour=prices.hourly("public_ipv4"),
        since=None,
        tags=_tags(address.get("Tags")),
        attached_to=str(address.get("InstanceId") or ""),
    )


def _nat_gateways(ec2: Any, prices: PriceTable) -> Iterator[RunningResource]:
    for gateway in _pages(ec2, "describe_nat_gateways", "NatGateways"):
        if gateway.get("State") not in ("pending", "available"):
            continue
        yield RunningResource(
            resource_type="AWS::EC2::NatGateway",
            identifier=gateway["NatGatewayId"],
            what="NAT gateway",
            usd_per_hour=prices.hourly("nat_gateway"),
            since=gateway.get("CreateTime"),
            tags=_tags(gateway.get("Tags")),
            vpc_id=gateway.get("VpcId", ""),
        )


def _load_balancers(session: boto3.Session, prices: PriceTable) -> Iterator[RunningResource]:
    elbv2: Any = session.client("elbv2")
    try:
        balancers = list(_pages(elbv2, "describe_load_balancers", "LoadBalancers"))
    except ClientError:  # a role allowed EC2 only: the load balancers go unpriced, not the class
        return
    for balancer in balancers:
        usd = prices.hourly("load_balancer")
        if balancer.get("Scheme") == "internet-facing":
            usd += len(balancer.get("AvailabilityZones", [])) * prices.hourly("public_ipv4")
        yield RunningResource(
            resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
            identifier=balancer["LoadBalancerArn"],
            what=f"{balancer.get('Type', 'application')} load balancer "
            + str(balancer.get("LoadBalancerName", "")),
            usd_per_hour=usd,
            since=balancer.get("CreatedTime"),
            vpc_id=balancer.get("VpcId", ""),
        )
