"""LabSpot priced from its template: its Spot instance at the dearest pool's Spot price, the range and the
same instance on-demand beside it, its honest ceiling (capacity rebalancing's replacement beside the warned
instance, an FIS run), and the kit's cost goal met."""

from __future__ import annotations

import pytest

from labs.catalogue.fis import action_minutes
from labs.cost import command
from labs.cost.goals import LabCost
from labs.cost.prices import CostError, load_prices
from labs.cost.synth import SynthesizedLabs, Template, synthesize_cdk_defaults
from tests.synth import CDK_GROUP

pytestmark = CDK_GROUP

GP3_GIB_HOUR = 0.08 / 730
# one Spot instance at t4g.small's dearest Spot price (the strategy may pick any of the three types' pools)
SPOT_SMALL_AT_MOST, SMALL_ON_DEMAND = 0.0076, 0.0168
LAB_SPOT_BY_HAND = SPOT_SMALL_AT_MOST + 8 * GP3_GIB_HOUR
# CDK's default VPC: a NAT gateway and its Elastic IP in each of 2 AZs
CDK_DEFAULTS_BY_HAND = 2 * 0.045 + 2 * 0.005 + LAB_SPOT_BY_HAND


@pytest.fixture(scope="module")
def cost(templates: dict[str, Template]) -> LabCost:
    only = {"LabSpot": templates["LabSpot"]}
    synthesized = SynthesizedLabs(kit=only, cdk_defaults=synthesize_cdk_defaults(only))
    (priced,) = command.price_labs(synthesized, load_prices())
    return priced


def test_the_lab_costs_one_spot_instance_at_the_dearest_pool_and_its_root(cost: LabCost) -> None:
    assert cost.kit.usd_per_hour == pytest.approx(LAB_SPOT_BY_HAND)
    assert cost.kit.usd_per_hour == pytest.approx(0.008477, abs=1e-6)
    spot = next(item for item in cost.kit.items if item.what.startswith("Spot instance"))
    assert spot.what == (
        "Spot instance (t4g.nano/t4g.micro/t4g.small): $0.0013-0.0076/h, counted at the dearest; "
        "on-demand $0.0042-0.0168/h"
    )


def test_the_same_instance_on_demand_costs_about_twice_as_much(cost: LabCost) -> None:
    assert cost.kit.has_spot
    assert cost.kit.on_demand_usd_per_hour == pytest.approx(SMALL_ON_DEMAND + 8 * GP3_GIB_HOUR)
    assert cost.kit.on_demand_usd_per_hour / cost.kit.usd_per_hour == pytest.approx(2.09, abs=0.01)


def test_the_lab_meets_the_kits_cost_goal(cost: LabCost) -> None:
    assert cost.cdk_defaults.usd_per_hour == pytest.approx(CDK_DEFAULTS_BY_HAND)
    assert cost.verdict() == "yes"
    assert cost.ratio == pytest.approx(12.8, abs=0.05)


def test_the_markdown_table_shows_the_on_demand_comparison_uncounted(cost: LabCost) -> None:
    text = command.as_markdown([cost], load_prices(), with_cdk_defaults_lines=False)

    assert (
        "for comparison, not counted: the same lab with its Spot instances on-demand |  | $0.01768 |" in text
    )
    assert "Spot: The kit's estimate, NOT observed prices" in text


def test_the_ceiling_counts_the_replacement_capacity_rebalancing_runs_beside_the_warned_instance(
    cost: LabCost,
) -> None:
    """MaxSize 2: during an interruption the group runs two instances (and roots) until the old one goes."""
    assert cost.kit.at_most_usd_per_hour == pytest.approx(2 * LAB_SPOT_BY_HAND)
    text = command.as_markdown([cost], load_prices(), with_cdk_defaults_lines=False)
    assert "capacity rebalancing runs the replacement beside the warned instance" in text
    assert f"| ${2 * LAB_SPOT_BY_HAND:.5f} |" in text


def test_each_fis_run_is_priced_per_action_minute_not_per_hour(cost: LabCost) -> None:
    """aws.amazon.com/fis/pricing: $0.10 per action-minute; the interruption action lasts its PT2M warning."""
    (run,) = cost.kit.per_run
    assert run.usd_per_run == pytest.approx(0.20)
    assert cost.kit.usd_per_hour == pytest.approx(LAB_SPOT_BY_HAND)  # never in the hourly figure
    text = command.as_markdown([cost], load_prices(), with_cdk_defaults_lines=False)
    assert "per run, not per hour: AWS FIS experiment: 2 action-minute(s) at $0.10, $0.20" in text


@pytest.mark.parametrize(
    ("duration", "minutes"), [("PT2M", 2), ("PT90S", 2), ("PT20S", 1), ("PT1H", 60), ("PT1H30M", 90)]
)
def test_an_fis_action_is_billed_by_the_minute_rounded_at_least_one(duration: str, minutes: int) -> None:
    assert action_minutes({"Parameters": {"durationBeforeInterruption": duration}}) == minutes


def test_an_fis_duration_the_kit_cannot_read_is_refused_not_priced_at_zero() -> None:
    with pytest.raises(CostError, match="'P1D' is not an ISO 8601 duration"):
        action_minutes({"Parameters": {"duration": "P1D"}})
