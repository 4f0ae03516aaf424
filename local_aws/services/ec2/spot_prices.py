"""EC2's Spot prices in the emulator: a dated market read from the price file its caller hands it.

EC2 answers DescribeSpotPriceHistory with each zone's Spot price of a type, set per zone and changing
gradually (EC2 API reference: DescribeSpotPriceHistory, SpotPrice). The emulator has no live prices: its
caller hands it a price file (LocalAws(prices=...), LABKIT_EMULATOR_PRICES), JSON of this shape, the kit's
price table being one:

    {"instance_types": {"t4g.nano": {"usd_per_hour": 0.0042}, ...},
     "spot": {"as_of": "2026-12-06",
              "instance_types": {"t4g.nano": {"usd_per_hour_low": 0.0013, "usd_per_hour_high": 0.0019}}}}

Each type's Spot range is spread over the zones that offer it; without a file the emulator knows no prices.
"""

from __future__ import annotations

import functools
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import moto_name, replace, request_filters, request_param
from local_aws.services.ec2.instances import offering_zones
from local_aws.settings import SettingError, price_file

# the product EC2 names in price history for Linux (EC2 API reference: SpotPrice)
LINUX = "Linux/UNIX"


@dataclass(frozen=True)
class SpotMarket:
    """The prices the emulator's EC2 knows: on-demand per type, and a Spot range per type, dated."""

    as_of: str = ""
    on_demand: dict[str, float] = field(default_factory=dict)
    # instance type -> (lowest, highest) Spot price across the region's zones, USD per hour
    spot: dict[str, tuple[float, float]] = field(default_factory=dict)


def read_market(raw: dict[str, Any]) -> SpotMarket:
    """The market a price file describes (the shape in this module's docstring)."""
    spot: dict[str, Any] = raw.get("spot") or {}
    return SpotMarket(
        as_of=str(spot.get("as_of", "")),
        on_demand={name: float(p["usd_per_hour"]) for name, p in (raw.get("instance_types") or {}).items()},
        spot={
            name: (float(p["usd_per_hour_low"]), float(p["usd_per_hour_high"]))
            for name, p in (spot.get("instance_types") or {}).items()
        },
    )


@functools.cache
def market() -> SpotMarket:
    """The emulator's market, read once from the price file it was handed (none: no prices)."""
    path = price_file()
    if path is None:
        return SpotMarket()
    try:
        return read_market(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SettingError(f"the emulator's price file {path} cannot be read: {error}") from None


def spot_prices(region: str, instance_type: str) -> dict[str, float]:
    """Zone -> the emulator's Spot price of `instance_type`, spread over the market's dated range.

    Each type's cheapest zone differs (a stable hash of type and zone), as real pools differ per zone.
    """
    spot = market().spot.get(instance_type)
    zones = offering_zones(region, instance_type)
    if spot is None or not zones:
        return {}
    low, high = spot
    ranked = sorted(zones, key=lambda zone: zlib.crc32(f"{instance_type}/{zone}".encode()))
    step = (high - low) / max(1, len(ranked) - 1)
    return {zone: round(low + step * i, 6) for i, zone in enumerate(ranked)}


def on_demand_price(instance_type: str) -> float | None:
    """The on-demand price of an instance type in USD per hour, or None when not priced."""
    return market().on_demand.get(instance_type)


def price_history(region: str, instance_types: list[str], zones: list[str] | None) -> list[dict[str, str]]:
    """DescribeSpotPriceHistory's entries: the current price of each (type, zone), dated by the market."""
    stamp = f"{market().as_of}T00:00:00.000Z"
    entries = []
    for instance_type in instance_types or sorted(market().spot):
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
    "are the dated estimate of the price file it was handed, not live prices)",
)
def spot_price_history_has_prices() -> None:
    """Patches moto: Spot price history has prices."""
    responses = moto_name("ec2.SpotInstances")
    action_result = moto_name("core.ActionResult")

    def describe_spot_price_history(self: Any) -> Any:
        instance_types = request_param(self, "InstanceTypes", [])
        filters = request_filters(self)
        types = instance_types or list(filters.get("instance-type", []))
        zone = request_param(self, "AvailabilityZone")
        zones = list(filters.get("availability-zone", [])) or ([zone] if zone else None)
        return action_result({"SpotPriceHistory": price_history(self.region, types, zones)})

    replace(responses, "describe_spot_price_history", describe_spot_price_history)


FIXES: tuple[ParityFix, ...] = (spot_price_history_has_prices,)
