"""What the cost tools say of a resource: a line item of a template, what bills by use or per run, what runs
now.

CDK-free and boto3-free, so the catalogue's price rules and running scans (labs/catalogue/) can build them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class LineItem:
    """One thing billed by the hour: `quantity` of `what`, costing `usd_per_hour` in all."""

    logical_id: str
    what: str
    quantity: float
    usd_per_hour: float
    # Spot instances: what the same instances would cost on-demand (None: the item is on-demand already)
    on_demand_usd_per_hour: float | None = None
    # a group that capacity rebalancing takes to its maximum during an interruption (None: no such group)
    at_most_usd_per_hour: float | None = None


@dataclass(frozen=True, kw_only=True)
class PerRun:
    """A charge for each use, not by the hour (an AWS FIS experiment run): what it is, what one costs."""

    logical_id: str
    what: str
    usd_per_run: float


@dataclass(frozen=True, kw_only=True)
class UsageBased:
    """A resource that costs nothing while the lab is idle (requests, storage, executions)."""

    logical_id: str
    resource_type: str


@dataclass(frozen=True, kw_only=True)
class RunningResource:
    """One billed resource: what it is, its price per hour (None: the kit cannot price it), since when."""

    # its catalogue entry's type ("" from a scan: the scan's entry fills it in)
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
    region: str = ""

    @property
    def name(self) -> str:
        """Its Name tag, the name a teacher may know it by."""
        return self.tags.get("Name", "")

    def cost_since(self, start: datetime | None, now: datetime) -> float:
        """What it has cost from `since` (else `start`, else nothing) until `now`."""
        begin = self.since or start
        if self.usd_per_hour is None or begin is None:
            return 0.0
        return self.usd_per_hour * max(0.0, (now - begin).total_seconds() / 3600)


def line_item(logical_id: str, what: str, quantity: float, unit_usd_per_hour: float) -> LineItem:
    """`quantity` of a thing at a unit price per hour, as one line item."""
    return LineItem(
        logical_id=logical_id, what=what, quantity=quantity, usd_per_hour=quantity * unit_usd_per_hour
    )
