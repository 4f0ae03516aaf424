"""The kit's price table (labs/cost/prices.json): a few us-east-1 list prices, dated, read into types."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PRICES_JSON = Path(__file__).resolve().parent / "prices.json"


class CostError(ValueError):
    """A template the kit cannot price honestly; the message names the resource and what is missing."""


@dataclass(frozen=True, kw_only=True)
class InstancePrice:
    """An instance type's on-demand price and its vCPUs."""

    usd_per_hour: float
    vcpus: int


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
    # what is billed per use, never per hour (an AWS FIS action-minute)
    usd_per_use: dict[str, float] = field(default_factory=dict)

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
        """The on-demand price of an instance type; CostError naming `where` when unpriced."""
        try:
            return self.instance_types[instance_type]
        except KeyError:
            raise CostError(
                f"{where}: instance type {instance_type!r} is not in the price table "
                f"(known: {', '.join(sorted(self.instance_types))}); add it to {PRICES_JSON.name}"
            ) from None

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
        usd_per_use={name: float(value) for name, value in per_use.items() if name != "source"},
    )
