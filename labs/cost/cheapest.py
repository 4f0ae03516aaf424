"""Prices a lab's cheapest workable setup is made of (`Lab.cheapest`), from the kit's dated price table."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labs.cost.prices import PriceTable

WHERE = "cheapest setup"


def instance_usd_per_hour(prices: PriceTable, instance_type: str) -> float:
    """One on-demand instance of this type, per hour."""
    return prices.instance(instance_type, where=WHERE).usd_per_hour


def gp3_usd_per_gib_hour(prices: PriceTable) -> float:
    """One GiB of gp3 storage, per hour."""
    return prices.as_hourly(prices.volume("gp3", where=WHERE).usd_per_gib_month)


def public_ipv4_usd_per_hour(prices: PriceTable) -> float:
    """One public IPv4 address, per hour (in use or idle)."""
    return prices.hourly("public_ipv4")


def idle_serverless(_prices: PriceTable) -> float:
    """A serverless lab: nothing is billed while it is idle."""
    return 0.0


def spot_usd_per_hour_at_most(prices: PriceTable, instance_types: tuple[str, ...]) -> float:
    """One Spot instance of any of these types, per hour, at the dearest end of their Spot ranges."""
    return max(prices.spot(name, where=WHERE).usd_per_hour_high for name in instance_types)
