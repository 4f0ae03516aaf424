"""The kit's price table (labs/cost/prices.json): us-east-1 list prices, dated, read into types; every EC2
instance type gets a price, listed or by a per-family and per-size rule that errs high."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PRICES_JSON = Path(__file__).resolve().parent / "prices.json"


class CostError(ValueError):
    """A template the kit cannot price honestly; the message names the resource and what is missing."""


# a .large's share of each size below it (T4g, T3 and T2 halve their price with each step down)
SMALL_SIZE_UNITS = {"nano": 0.0625, "micro": 0.125, "small": 0.25, "medium": 0.5, "large": 1.0}
_MULTI_SIZE = re.compile(r"^(?:metal-)?(\d+)xl(?:arge)?$")


@dataclass(frozen=True, kw_only=True)
class InstancePrice:
    """An instance type's on-demand price and its vCPUs, and how the kit came to it."""

    usd_per_hour: float
    vcpus: int
    # "" for a listed price, else the rule that made it ("by the m7g family's rate", "at the ceiling ...")
    basis: str = ""


@dataclass(frozen=True, kw_only=True)
class FamilyRule:
    """The price of an unlisted instance type: its family's rate per large-equivalent times its size."""

    as_of: str
    source: str
    usd_per_hour_per_large: dict[str, float]
    metal_units: float

    @property
    def ceiling(self) -> float:
        """The dearest family's rate: what a family the table does not know counts at."""
        return max(self.usd_per_hour_per_large.values())

    def price(self, instance_type: str, *, where: str) -> InstancePrice:
        """The rule's price of `instance_type` (family.size); CostError for no instance type's name."""
        family, dot, size = instance_type.partition(".")
        if not (dot and family and size):
            raise CostError(f"{where}: {instance_type!r} is not an EC2 instance type (family.size)")
        units = size_units(size, metal=self.metal_units)
        rate = self.usd_per_hour_per_large.get(family)
        if rate is None:
            basis = (
                f"family {family} not in the price table: counted at the dearest family's rate (a ceiling)"
            )
            rate = self.ceiling
        else:
            basis = f"estimated from the {family} family's rate, which errs high"
        return InstancePrice(usd_per_hour=rate * units, vcpus=max(2, round(units * 2)), basis=basis)


def size_units(size: str, *, metal: float) -> float:
    """How many large-equivalents a size is: nano 1/16 ... large 1, xlarge 2, 24xlarge 48, metal `metal`."""
    if size in SMALL_SIZE_UNITS:
        return SMALL_SIZE_UNITS[size]
    if size == "xlarge":
        return 2.0
    match = _MULTI_SIZE.match(size)
    if match:
        return 2.0 * int(match.group(1))
    # metal, or a size the rule does not know: as large as any instance comes
    return metal


@dataclass(frozen=True, kw_only=True)
class SpotPrice:
    """A Spot price range of one instance type across the region's zones (the kit's dated estimate)."""

    usd_per_hour_low: float
    usd_per_hour_high: float


@dataclass(frozen=True, kw_only=True)
class VolumePrice:
    """An EBS volume type's price per GiB and for IOPS beyond those included."""

    usd_per_gib_month: float
    included_iops: int = 0
    usd_per_iops_month: float = 0.0
    included_throughput_mibps: int = 0
    usd_per_mibps_month: float = 0.0


@dataclass(frozen=True, kw_only=True)
class PriceTable:
    """The prices the kit uses, with their date, region and source."""

    as_of: str
    region: str
    source: str
    hours_per_month: float
    instance_types: dict[str, InstancePrice]
    volume_types: dict[str, VolumePrice]
    usd_per_hour: dict[str, float]
    usd_per_month: dict[str, float]
    spot_types: dict[str, SpotPrice] = field(default_factory=dict)
    spot_as_of: str = ""
    spot_source: str = ""
    # Lambda provisioned concurrency, by architecture (arm64, x86_64)
    provisioned_usd_per_gb_second: dict[str, float] = field(default_factory=dict)
    # every instance type the table does not list
    families: FamilyRule | None = None
    # Fargate, by architecture: per vCPU-hour and per GB-hour configured
    fargate_usd_per_vcpu_hour: dict[str, float] = field(default_factory=dict)
    fargate_usd_per_gb_hour: dict[str, float] = field(default_factory=dict)
    # a Linux task bills per second, and at least this long
    fargate_minimum_seconds: float = 0.0

    def fargate_run(
        self, *, vcpus: float, memory_gb: float, seconds: float, architecture: str = "x86_64"
    ) -> float:
        """What one Fargate task of that size costs for a run of `seconds` (the minimum at least)."""
        billed = max(seconds, self.fargate_minimum_seconds)
        return self.fargate(vcpus=vcpus, memory_gb=memory_gb, architecture=architecture) * billed / 3600

    # what storage billed by the GB stored costs a month (EFS Standard), and where the figure comes from
    storage_usd_per_gb_month: dict[str, float] = field(default_factory=dict)
    storage_source: str = ""
    # what is billed per use, never per hour (an AWS FIS action-minute)
    usd_per_use: dict[str, float] = field(default_factory=dict)

    def fargate(self, *, vcpus: float, memory_gb: float, architecture: str = "x86_64") -> float:
        """What one Fargate task of that size costs an hour (an unknown architecture at the dearest)."""
        per_vcpu = self.fargate_usd_per_vcpu_hour.get(
            architecture, max(self.fargate_usd_per_vcpu_hour.values())
        )
        per_gb = self.fargate_usd_per_gb_hour.get(architecture, max(self.fargate_usd_per_gb_hour.values()))
        return vcpus * per_vcpu + memory_gb * per_gb

    def storage(self, item: str, *, where: str) -> float:
        """The price of a GB stored for a month; CostError naming `where` when unpriced."""
        try:
            return self.storage_usd_per_gb_month[item]
        except KeyError:
            raise CostError(
                f"{where}: {item} storage has no price in the price table (known: "
                f"{', '.join(sorted(self.storage_usd_per_gb_month)) or 'none'}); add it to {PRICES_JSON.name}"
            ) from None

    def provisioned_concurrency(
        self, *, memory_mb: int, environments: int = 1, architecture: str = "arm64", where: str = ""
    ) -> float:
        """What `environments` provisioned environments of `memory_mb` cost an hour, invoked or not."""
        try:
            per_gb_second = self.provisioned_usd_per_gb_second[architecture]
        except KeyError:
            raise CostError(
                f"{where or 'provisioned concurrency'}: architecture {architecture!r} has no provisioned "
                f"concurrency price (known: {', '.join(sorted(self.provisioned_usd_per_gb_second))}); "
                f"add it to {PRICES_JSON.name}"
            ) from None
        return per_gb_second * memory_mb / 1024 * 3600 * environments

    def spot(self, instance_type: str, *, where: str) -> SpotPrice:
        """The Spot price of an instance type; CostError naming `where` when unpriced."""
        try:
            return self.spot_types[instance_type]
        except KeyError:
            raise CostError(
                f"{where}: instance type {instance_type!r} has no Spot price in the price table "
                f"(known: {', '.join(sorted(self.spot_types)) or 'none'}); add it to {PRICES_JSON.name}"
            ) from None

    def instance(self, instance_type: str, *, where: str) -> InstancePrice:
        """The on-demand price of an instance type: listed, else by its family's rule (which errs high);
        CostError only for a name that is no instance type."""
        if instance_type in self.instance_types:
            return self.instance_types[instance_type]
        if self.families is None:
            raise CostError(
                f"{where}: instance type {instance_type!r} is not in the price table "
                f"(known: {', '.join(sorted(self.instance_types))}); add it to {PRICES_JSON.name}"
            )
        return self.families.price(instance_type, where=where)

    def volume(self, volume_type: str, *, where: str) -> VolumePrice:
        """The price of a volume type; CostError naming `where` when unpriced."""
        try:
            return self.volume_types[volume_type]
        except KeyError:
            raise CostError(
                f"{where}: volume type {volume_type!r} is not in the price table "
                f"(known: {', '.join(sorted(self.volume_types))}); add it to {PRICES_JSON.name}"
            ) from None

    def hourly(self, item: str) -> float:
        """The hourly price of an item."""
        return self.usd_per_hour[item]

    def monthly_fee_as_hourly(self, item: str) -> float:
        """An item's monthly fee, spread over the month's hours."""
        return self.as_hourly(self.usd_per_month[item])

    def as_hourly(self, usd_per_month: float) -> float:
        """A monthly price spread over the month's hours, as AWS prorates it."""
        return usd_per_month / self.hours_per_month


def load_prices(path: Path = PRICES_JSON) -> PriceTable:
    """Read the price table from its JSON file."""
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    spot: dict[str, Any] = raw.get("spot", {})
    provisioned: dict[str, Any] = raw.get("lambda_provisioned_concurrency", {})
    families: dict[str, Any] | None = raw.get("instance_families")
    fargate: dict[str, Any] = raw.get("fargate", {})
    storage: dict[str, Any] = raw.get("storage_usd_per_gb_month", {})
    per_use: dict[str, Any] = raw.get("usd_per_use", {})
    return PriceTable(
        as_of=raw["as_of"],
        region=raw["region"],
        source=raw["source"],
        hours_per_month=float(raw["hours_per_month"]),
        instance_types={name: InstancePrice(**spec) for name, spec in raw["instance_types"].items()},
        volume_types={name: VolumePrice(**spec) for name, spec in raw["volume_types"].items()},
        usd_per_hour={name: float(value) for name, value in raw["usd_per_hour"].items()},
        usd_per_month={name: float(value) for name, value in raw["usd_per_month"].items()},
        spot_types={name: SpotPrice(**spec) for name, spec in spot.get("instance_types", {}).items()},
        spot_as_of=spot.get("as_of", ""),
        spot_source=spot.get("source", ""),
        provisioned_usd_per_gb_second={
            name: float(value) for name, value in provisioned.get("usd_per_gb_second", {}).items()
        },
        families=None
        if families is None
        else FamilyRule(
            as_of=families["as_of"],
            source=families["source"],
            usd_per_hour_per_large={k: float(v) for k, v in families["usd_per_hour_per_large"].items()},
            metal_units=float(families["metal_units"]),
        ),
        fargate_usd_per_vcpu_hour={k: float(v) for k, v in fargate.get("usd_per_vcpu_hour", {}).items()},
        fargate_usd_per_gb_hour={k: float(v) for k, v in fargate.get("usd_per_gb_hour", {}).items()},
        fargate_minimum_seconds=float(fargate.get("minimum_seconds", 0)),
        storage_usd_per_gb_month={name: float(value) for name, value in storage.items() if name != "source"},
        storage_source=str(storage.get("source", "")),
        usd_per_use={name: float(value) for name, value in per_use.items() if name != "source"},
    )
