"""How EC2's instances, volumes and public addresses are priced: in a template (`labkit cost`) and running
now in one region (the spend guard). The entries are in labs/catalogue/ec2.py."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from labs.catalogue.reading import pages, tags
from labs.cost.items import LineItem, RunningResource, line_item
from labs.cost.prices import CostError, PriceTable
from labs.cost.template_values import Disk, Machines, disk_usd_per_hour, volume_disk

if TYPE_CHECKING:
    from labs.catalogue.entry import Pricing, Properties, RegionReach

# instance states that bill for the instance (AWS bills from pending to running; stopped bills its volumes)
BILLED_INSTANCE_STATES = frozenset({"pending", "running"})


def price_machines(pricing: Pricing, logical_id: str, props: Properties) -> Iterator[LineItem]:
    """An instance, or an Auto Scaling group's desired capacity: instances, their disks, public IPv4s; a
    Spot group with capacity rebalancing also says what it costs at its maximum."""
    items = list(_machine_items(pricing, logical_id))
    machines = pricing.machines(logical_id)
    # capacity rebalancing launches the replacement before the warned instance goes (up to MaxSize)
    if machines.spot_count and str(props.get("CapacityRebalance", "")).lower() == "true":
        scale = machines.max_count / machines.count
        items = [replace(item, at_most_usd_per_hour=item.usd_per_hour * scale) for item in items]
    yield from items


def _machine_items(pricing: Pricing, logical_id: str) -> Iterator[LineItem]:
    machines = pricing.machines(logical_id)
    prices = pricing.prices
    where = f"{logical_id} ({machines.instance_type})"
    price = prices.instance(machines.instance_type, where=where)
    group = " (desired capacity)" if machines.in_group else ""
    basis = f" ({price.basis})" if price.basis else ""
    on_demand = machines.count - machines.spot_count
    if on_demand:
        yield line_item(
            logical_id, f"{machines.instance_type} instance{group}{basis}", on_demand, price.usd_per_hour
        )
    if machines.spot_count:
        yield _spot_item(prices, logical_id, machines)
    for disk in machines.disks:
        yield line_item(
            logical_id, disk.describe(), machines.count, disk_usd_per_hour(disk, prices, where=where)
        )
    if machines.public_ipv4:
        yield line_item(logical_id, "auto-assigned public IPv4", machines.count, prices.hourly("public_ipv4"))


def _spot_item(prices: PriceTable, logical_id: str, machines: Machines) -> LineItem:
    """Spot instances of any of the group's types, counted at the dearest type's Spot price (the allocation
    strategy may pick any pool), beside the same instances on-demand."""
    where = f"{logical_id} (Spot)"
    on_demand = {name: prices.instance(name, where=where).usd_per_hour for name in machines.spot_types}
    spot_high = {name: spot_ceiling(prices, name, where=where) for name in machines.spot_types}
    dearest = max(spot_high, key=lambda name: spot_high[name])
    low = min(
        prices.spot_types[name].usd_per_hour_low if name in prices.spot_types else spot_high[name]
        for name in machines.spot_types
    )
    what = (
        f"Spot instance ({'/'.join(machines.spot_types)}): ${low:.4f}-{spot_high[dearest]:.4f}/h, counted at "
        f"the dearest; on-demand ${min(on_demand.values()):.4f}-{max(on_demand.values()):.4f}/h"
    )
    return LineItem(
        logical_id=logical_id,
        what=what,
        quantity=machines.spot_count,
        usd_per_hour=machines.spot_count * spot_high[dearest],
        on_demand_usd_per_hour=machines.spot_count * on_demand[dearest],
    )


def spot_ceiling(prices: PriceTable, instance_type: str, *, where: str) -> float:
    """The most a Spot instance of the type costs an hour: the table's high estimate, else its on-demand
    price (AWS's Spot price never exceeds the on-demand price)."""
    if instance_type in prices.spot_types:
        return prices.spot_types[instance_type].usd_per_hour_high
    return prices.instance(instance_type, where=where).usd_per_hour


def price_volume(pricing: Pricing, logical_id: str, props: Properties) -> Iterator[LineItem]:
    """A stand-alone EBS volume: billed whether or not anything attaches it."""
    disk = volume_disk(logical_id, props)
    yield line_item(logical_id, disk.describe(), 1, disk_usd_per_hour(disk, pricing.prices, where=logical_id))


def price_elastic_ip(pricing: Pricing, logical_id: str, _props: Properties) -> Iterator[LineItem]:
    """An Elastic IP: a public IPv4, billed attached or not (since 2024-02-01, VPC pricing page)."""
    target = pricing.elastic_ip_target(logical_id)
    what = f"public IPv4: Elastic IP of {target}" if target else "public IPv4: unattached Elastic IP"
    yield line_item(logical_id, what, 1, pricing.prices.hourly("public_ipv4"))


def running_instances(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    """Pending and running instances, on-demand and Spot, with their auto-assigned public IPv4."""
    ec2 = region.client("ec2")
    elastic_ips = {a.get("PublicIp") for a in ec2.describe_addresses().get("Addresses", [])}
    for reservation in pages(ec2, "describe_instances", "Reservations"):
        for instance in reservation.get("Instances", []):
            if instance.get("State", {}).get("Name") in BILLED_INSTANCE_STATES:
                yield _instance(instance, prices, elastic_ips, region.name)


def _instance(
    instance: Mapping[str, Any], prices: PriceTable, elastic_ips: set[str], region: str
) -> RunningResource:
    instance_id, instance_type = instance["InstanceId"], instance.get("InstanceType", "?")
    found = tags(instance.get("Tags"))
    spot = instance.get("InstanceLifecycle") == "spot"
    try:
        price = prices.instance(instance_type, where=instance_id)
        usd: float | None = (
            spot_ceiling(prices, instance_type, where=instance_id) if spot else price.usd_per_hour
        )
        note = price.basis
        if spot and instance_type not in prices.spot_types:
            note = "Spot, counted at its on-demand price (the most Spot can cost)" + (
                f"; {note}" if note else ""
            )
    except CostError as error:
        usd, note = None, str(error)
    public_ip = instance.get("PublicIpAddress")
    auto_ip = bool(public_ip) and public_ip not in elastic_ips  # an Elastic IP is priced on its own
    if auto_ip and usd is not None:
        usd += prices.hourly("public_ipv4")
    return RunningResource(
        resource_type="",  # the entry whose scan found it
        identifier=instance_id,
        what=f"{instance_type} {'Spot ' if spot else ''}instance"
        + (" with a public IPv4" if auto_ip else ""),
        usd_per_hour=usd,
        since=instance.get("LaunchTime"),
        tags=found,
        vpc_id=instance.get("VpcId", ""),
        attached_to=found.get("aws:autoscaling:groupName", ""),
        note=note,
        region=region,
    )


def running_volumes(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    """Every EBS volume: billed in use or not."""
    for volume in pages(region.client("ec2"), "describe_volumes", "Volumes"):
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
            resource_type="",  # the entry whose scan found it
            identifier=volume["VolumeId"],
            what=f"{disk.size_gib:g} GiB {disk.volume_type} volume ({volume.get('State', '?')})",
            usd_per_hour=usd,
            since=volume.get("CreateTime"),
            tags=tags(volume.get("Tags")),
            attached_to=attachments[0].get("InstanceId", "") if attachments else "",
            note=note,
            region=region.name,
        )


def running_addresses(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    """Every Elastic IP: a public IPv4, billed by the hour attached or not (VPC pricing page)."""
    for address in region.client("ec2").describe_addresses().get("Addresses", []):
        yield RunningResource(
            resource_type="",  # the entry whose scan found it
            identifier=str(address.get("AllocationId") or address.get("PublicIp")),
            what=f"Elastic IP {address.get('PublicIp', '?')}",
            usd_per_hour=prices.hourly("public_ipv4"),
            since=None,
            tags=tags(address.get("Tags")),
            attached_to=str(address.get("InstanceId") or ""),
            region=region.name,
        )
