"""What the catalogue's running scans and leftover listings share: paged reads, tags, names, "gone" probes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from labs.cost.items import LineItem, line_item
from labs.deployed.session import unless_gone

if TYPE_CHECKING:
    from labs.catalogue.entry import PriceRule, Pricing, Properties


def pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item under `key` of every page of a paginated call."""
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key, [])


def tags(items: Any) -> dict[str, str]:
    """An AWS tag list (Key/Value) as a dict."""
    return {str(t["Key"]): str(t.get("Value", "")) for t in items or [] if "Key" in t}


def names(service: str, operation: str, key: str, name_key: str) -> Callable[[Any], list[str]]:
    """A lister of names: `session -> [item[name_key] for every item of operation's pages]`."""

    def listed(session: Any) -> list[str]:
        return [item[name_key] for item in pages(session.client(service), operation, key)]

    return listed


def probe(service: str, operation: str, argument: str) -> Callable[[Any, str], Any]:
    """`(session, physical id) -> the resource, or None when its service says it is gone`."""

    def exists(session: Any, physical_id: str) -> Any:
        return unless_gone(getattr(session.client(service), operation), **{argument: physical_id})

    return exists


def monthly_fee(item: str, what: str) -> PriceRule:
    """A price rule for a monthly fee (the price table's `usd_per_month[item]`), prorated by the hour."""

    def fee(pricing: Pricing, logical_id: str, _props: Properties) -> Iterator[LineItem]:
        yield line_item(
            logical_id, f"{what} (monthly fee, prorated)", 1, pricing.prices.monthly_fee_as_hourly(item)
        )

    return fee
