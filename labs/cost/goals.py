"""The kit's cost goals: each lab within 5% of its cheapest workable setup and >= 10x below CDK's defaults."""

from __future__ import annotations

from dataclasses import dataclass

from labs.cost.calculator import TemplateCost
from labs.cost.prices import PriceTable
from labs.registry import lab

WITHIN_CHEAPEST = 0.05
MIN_RATIO_TO_CDK_DEFAULTS = 10.0


@dataclass(frozen=True, kw_only=True)
class LabCost:
    """One lab priced as the kit builds it and as CDK's defaults would, against its goal."""

    lab_id: str
    kit: TemplateCost
    cdk_defaults: TemplateCost
    cheapest_usd_per_hour: float | None

    @property
    def ratio(self) -> float | None:
        """How many times more the CDK-defaults build costs; None when the kit costs nothing per hour."""
        return self.cdk_defaults.usd_per_hour / self.kit.usd_per_hour if self.kit.usd_per_hour else None

    @property
    def within_cheapest(self) -> bool:
        if self.cheapest_usd_per_hour is None:
            return False
        return (
            abs(self.kit.usd_per_hour - self.cheapest_usd_per_hour)
            <= WITHIN_CHEAPEST * self.cheapest_usd_per_hour
        )

    @property
    def beats_cdk_defaults(self) -> bool:
        if self.ratio is None:
            return True  # the kit costs nothing while idle: no build can cost less
        return self.ratio >= MIN_RATIO_TO_CDK_DEFAULTS

    @property
    def goal_met(self) -> bool:
        return self.within_cheapest and self.beats_cdk_defaults

    def verdict(self) -> str:
        """Whether the lab meets its cost goal, in words."""
        if self.cheapest_usd_per_hour is None:
            return "no goal set for this lab"
        problems = []
        if not self.within_cheapest:
            problems.append(f"${self.kit.usd_per_hour:.5f}/h vs cheapest ${self.cheapest_usd_per_hour:.5f}/h")
        if not self.beats_cdk_defaults:
            problems.append(f"only {self.ratio or 0:.1f}x below CDK defaults")
        return "yes" if not problems else "NO: " + "; ".join(problems)


def lab_cost(lab_id: str, *, kit: TemplateCost, cdk_defaults: TemplateCost, prices: PriceTable) -> LabCost:
    """A lab's cost, set beside its cheapest setup and its CDK-default twin."""
    setup = lab(lab_id).cheapest
    return LabCost(
        lab_id=lab_id,
        kit=kit,
        cdk_defaults=cdk_defaults,
        cheapest_usd_per_hour=setup.usd_per_hour(prices),
    )
