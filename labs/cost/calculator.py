"""Hourly cost of a synthesized template: a line item for each thing billed by the hour, the rest by use.

Each resource is priced by its type's entry in the catalogue (labs/catalogue/): free, billed by use, or by the
hour with the entry's price rule. A type without an entry cannot be priced, and says so: never $0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labs.catalogue import UnknownResourceTypeError, entry
from labs.catalogue.entry import ByUse, Hourly, Properties
from labs.cost.items import LineItem, PerRun, UsageBased
from labs.cost.prices import CostError, PriceTable
from labs.cost.resources import TemplateResources
from labs.cost.template_values import Machines

__all__ = [
    "LineItem",
    "PerRun",
    "TemplateCost",
    "UsageBased",
    "cannot_price",
    "machines_of",
    "price_template",
]


@dataclass(frozen=True, kw_only=True)
class TemplateCost:
    """What a template costs: its priced line items and what is priced by use."""

    items: tuple[LineItem, ...]
    usage_based: tuple[UsageBased, ...]
    # what each use costs (an FIS experiment run), beside the hourly figure and never in it
    per_run: tuple[PerRun, ...] = ()

    @property
    def usd_per_hour(self) -> float:
        return sum(item.usd_per_hour for item in self.items)

    @property
    def at_most_usd_per_hour(self) -> float:
        """The hourly cost while every rebalancing group is at its maximum."""
        return sum(
            item.usd_per_hour if item.at_most_usd_per_hour is None else item.at_most_usd_per_hour
            for item in self.items
        )

    @property
    def on_demand_usd_per_hour(self) -> float:
        """The same template with its Spot instances bought on-demand instead."""
        return sum(
            item.usd_per_hour if item.on_demand_usd_per_hour is None else item.on_demand_usd_per_hour
            for item in self.items
        )

    @property
    def has_spot(self) -> bool:
        return any(item.on_demand_usd_per_hour is not None for item in self.items)

    def usage_summary(self) -> str:
        """The usage-based resources grouped by type, with a count where there is more than one."""
        counts = Counter(usage.resource_type.removeprefix("AWS::") for usage in self.usage_based)
        return ", ".join(f"{kind} ×{n}" if n > 1 else kind for kind, n in sorted(counts.items()))


class _Template:
    """One template as the catalogue's price rules read it (labs.catalogue.entry.Pricing)."""

    def __init__(self, template: Mapping[str, Any], prices: PriceTable) -> None:
        self.resources = TemplateResources(template)
        self._prices = prices
        self._machines = {machines.logical_id: machines for machines in self.resources.machines()}
        self._elastic_ip_targets = self.resources.elastic_ip_targets()

    @property
    def prices(self) -> PriceTable:
        return self._prices

    def machines(self, logical_id: str) -> Machines:
        return self._machines[logical_id]

    def elastic_ip_target(self, logical_id: str) -> str | None:
        return self._elastic_ip_targets.get(logical_id)

    def of_type(self, resource_type: str) -> dict[str, Properties]:
        return self.resources.of_type(resource_type)

    def price(self) -> TemplateCost:
        items: list[LineItem] = []
        usage_based: list[UsageBased] = []
        per_run: list[PerRun] = []
        unknown = cannot_price(self.resources.resources)
        if unknown:
            raise CostError(unknown)
        for logical_id, resource in self.resources.resources.items():
            resource_type = str(resource.get("Type"))
            props: Properties = resource.get("Properties", {})
            price = entry(resource_type).price
            by_use = isinstance(price, ByUse) or (
                isinstance(price, Hourly) and price.by_use_when is not None and price.by_use_when(props)
            )
            if isinstance(price, Hourly):
                items.extend(price.rule(self, logical_id, props))
            if by_use:
                usage_based.append(UsageBased(logical_id=logical_id, resource_type=resource_type))
            if isinstance(price, ByUse) and price.per_run is not None:
                per_run.extend(price.per_run(self, logical_id, props))
        return TemplateCost(items=tuple(items), usage_based=tuple(usage_based), per_run=tuple(per_run))


def cannot_price(resources: Mapping[str, Mapping[str, Any]]) -> str:
    """`cannot price X (LogicalId, ...)` for resources of a type the catalogue does not know; "" if none."""
    unknown: dict[str, list[str]] = {}
    for logical_id, resource in resources.items():
        try:
            entry(str(resource.get("Type")))
        except UnknownResourceTypeError as error:
            unknown.setdefault(error.cfn_type, []).append(logical_id)
    return "; ".join(
        f"cannot price {cfn_type} ({', '.join(ids)}): {UnknownResourceTypeError(cfn_type)}"
        for cfn_type, ids in sorted(unknown.items())
    )


def price_template(template: Mapping[str, Any], prices: PriceTable) -> TemplateCost:
    """Every hourly charge of `template` as line items, plus the resources that only bill by use.

    Raises CostError for what the kit cannot price honestly (a type the catalogue does not know, a volume
    type or a property it cannot read), naming the resource.
    """
    return _Template(template, prices).price()


def machines_of(template: Mapping[str, Any]) -> list[Machines]:
    """The instances a template runs (for quota checks): type, count at deploy and at most."""
    return TemplateResources(template).machines()
