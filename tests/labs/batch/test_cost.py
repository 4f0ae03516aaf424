"""LabBatch costs nothing while idle; each child bills Fargate while it runs. On CDK's defaults the same
job needs a NAT gateway in each zone to pull its image."""

from __future__ import annotations

from pathlib import Path

import pytest

from labs.batch.spec import ARRAY_SIZE, CHILD_MEMORY_MIB, CHILD_VCPUS
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


def test_an_array_run_costs_what_the_readme_says_each_child_billed_its_minute() -> None:
    """The README's figures from the price table: 10 children of a minute each (a child of one second bills a
    full minute) at 0.25 vCPU and 0.5 GB on ARM64, and with each task's public IPv4 address."""
    prices = load_prices()
    size = {"vcpus": CHILD_VCPUS, "memory_gb": CHILD_MEMORY_MIB / 1024, "architecture": "arm64"}
    one_second = prices.fargate_run(seconds=1, **size)
    assert one_second == prices.fargate_run(seconds=60, **size)
    assert prices.fargate_run(seconds=120, **size) == pytest.approx(2 * one_second)
    fargate = ARRAY_SIZE * one_second
    addresses = ARRAY_SIZE * prices.hourly("public_ipv4") / 60
    assert round(fargate, 4) == 0.0016
    assert round(fargate + addresses, 4) == 0.0025
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    assert "**$0.0016**" in readme
    assert "**$0.0025 per array run**" in readme
