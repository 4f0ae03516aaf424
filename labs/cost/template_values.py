"""The values a price rule reads from a template: literal properties, references, disks and machines.

A leaf of labs/cost: the catalogue's price rules (labs/catalogue/) and the template walk (resources.py) share
it, and it names no resource type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labs.cost.prices import CostError, PriceTable

Properties = Mapping[str, Any]

# the EC2 API's volume type when a block device mapping or a volume names none
DEFAULT_VOLUME_TYPE = "gp2"


@dataclass(frozen=True, kw_only=True)
class Disk:
    """One EBS volume of each machine."""

    size_gib: float
    volume_type: str
    iops: int | None = None
    throughput_mibps: int | None = None
    root: bool = False
    assumed: bool = False

    def describe(self) -> str:
        """The volume in words, as a line item names it."""
        role = "root" if self.root else "data"
        assumed = " (the AMI's, assumed)" if self.assumed else ""
        return f"{self.size_gib:g} GiB {self.volume_type} {role} volume{assumed}"


@dataclass(frozen=True, kw_only=True)
class Machines:
    """The instances one resource runs: an instance, or an Auto Scaling group's desired capacity."""

    logical_id: str
    instance_type: str
    count: int
    max_count: int
    disks: tuple[Disk, ...]
    # an auto-assigned public IPv4 per instance (an Elastic IP replaces it and is counted on its own)
    public_ipv4: bool
    # a mixed-instances group: the types its Spot instances may be, and how many of `count` run on Spot
    spot_types: tuple[str, ...] = ()
    spot_count: int = 0
    # how many of `max_count` run on Spot, when the group grows to its maximum
    spot_max_count: int = 0
    # the resource is an Auto Scaling group (its count is the desired capacity)
    in_group: bool = False


def referenced_id(value: Any) -> str | None:
    """The logical id behind {"Ref": id} or {"Fn::GetAtt": [id, attribute]}; None for anything else."""
    if isinstance(value, Mapping):
        if isinstance(value.get("Ref"), str):
            return str(value["Ref"])
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute:
            return str(attribute[0])
    return None


def literal_text(value: Any, *, where: str) -> str:
    """A property's value, which must be a literal string to be priced."""
    if not isinstance(value, str):
        raise CostError(f"{where} must be a literal string to be priced, got {value!r}")
    return value


def literal_int(value: Any, *, where: str) -> int:
    """A property's value as an integer, which must be literal to be priced."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise CostError(f"{where} must be a literal number to be priced, got {value!r}") from None


def optional_int(value: Any, *, where: str) -> int | None:
    """A literal integer property, or None when the property is absent."""
    return None if value is None else literal_int(value, where=where)


def volume_disk(logical_id: str, props: Properties) -> Disk:
    """A stand-alone EBS volume as a disk (it exists whether or not anything attaches it)."""
    where = f"{logical_id} (EBS volume)"
    if "Size" not in props:
        raise CostError(f"{where} has no Size (its snapshot's size is unknown)")
    return Disk(
        size_gib=float(literal_int(props["Size"], where=f"{where} Size")),
        volume_type=str(props.get("VolumeType", DEFAULT_VOLUME_TYPE)),
        iops=optional_int(props.get("Iops"), where=f"{where} Iops"),
        throughput_mibps=optional_int(props.get("Throughput"), where=f"{where} Throughput"),
    )


def disk_usd_per_hour(disk: Disk, prices: PriceTable, *, where: str) -> float:
    """An EBS volume's hourly price: its size, and the IOPS and throughput above what its type includes."""
    price = prices.volume(disk.volume_type, where=where)
    monthly = disk.size_gib * price.usd_per_gib_month
    if price.usd_per_iops_month:
        if disk.iops is None and not price.included_iops:
            raise CostError(f"{where}: a {disk.volume_type} volume needs Iops to be priced")
        iops = disk.iops if disk.iops is not None else price.included_iops
        monthly += max(0, iops - price.included_iops) * price.usd_per_iops_month
    if price.usd_per_mibps_month and disk.throughput_mibps is not None:
        monthly += max(0, disk.throughput_mibps - price.included_throughput_mibps) * price.usd_per_mibps_month
    return prices.as_hourly(monthly)
