"""LabBatch costs nothing while idle; each child bills Fargate while it runs. On CDK's defaults the same
job needs a NAT gateway in each zone to pull its image."""

from __future__ import annotations

import pytest

from labs.cost.calculator import price_template
from labs.cost.goals import lab_cost
from labs.cost.prices import load_prices
from labs.cost.synth import SynthesizedLabs, synthesize_cdk_defaults
from tests.synth import Template


@pytest.fixture(scope="module")
def synthesized(templates: dict[str, Template]) -> SynthesizedLabs:
    kit = {"LabBatch": templates["LabBatch"]}
    return SynthesizedLabs(kit=kit, cdk_defaults=synthesize_cdk_defaults(kit))


def test_the_lab_costs_nothing_idle_and_cdk_defaults_pay_for_two_nat_gateways(
    synthesized: SynthesizedLabs,
) -> None:
    prices = load_prices()
    kit = price_template(synthesized.kit["LabBatch"], prices)
    defaults = price_template(synthesized.cdk_defaults["LabBatch"], prices)
    assert kit.usd_per_hour == 0
    assert "Batch::ComputeEnvironment" in kit.usage_summary()
    nat = [item for item in defaults.items if "NAT gateway" in item.what]
    assert sum(item.quantity for item in nat) == 2
    cost = lab_cost("LabBatch", kit=kit, cdk_defaults=defaults, prices=prices)
    assert cost.goal_met
    assert cost.verdict() == "yes"
