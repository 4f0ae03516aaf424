"""The four labs priced from their synthesized templates, against figures computed by hand."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from labs.cdk_json import feature_flags
from labs.cost import command
from labs.cost.calculator import price_template
from labs.cost.goals import LabCost, lab_cost
from labs.cost.prices import PriceTable, load_prices
from labs.cost.synth import SynthesizedLabs, Template, synthesize_cdk_defaults
from tests.synth import CDK_GROUP

pytestmark = CDK_GROUP

NANO = 0.0042
GP3_GIB_HOUR = 0.08 / 730
IPV4 = 0.005
NAT = 0.045
# one t4g.nano, its 8 GiB gp3 root, the 1 GiB gp3 data volume, one Elastic IP
LAB_EC2_BY_HAND = NANO + 8 * GP3_GIB_HOUR + 1 * GP3_GIB_HOUR + IPV4
# two t4g.nano with 8 GiB gp3 roots, no public IPv4
LAB_ASG_BY_HAND = 2 * (NANO + 8 * GP3_GIB_HOUR)
# CDK's default VPC: a NAT gateway and its Elastic IP in each of 2 AZs
CDK_DEFAULT_NETWORK_BY_HAND = 2 * NAT + 2 * IPV4
SERVERLESS_LABS = ("LabDdbStream", "LabStepFunction")


@pytest.fixture(scope="session")
def synthesized(templates: dict[str, Template]) -> SynthesizedLabs:
    """The session's lab templates (tests/conftest.py), and the EC2 labs rebuilt on CDK's defaults."""
    return SynthesizedLabs(kit=templates, cdk_defaults=synthesize_cdk_defaults(templates))


@pytest.fixture(scope="module")
def prices() -> PriceTable:
    return load_prices()


@pytest.fixture(scope="module")
def costs(synthesized: SynthesizedLabs, prices: PriceTable) -> dict[str, LabCost]:
    return {cost.lab_id: cost for cost in command.price_labs(synthesized, prices)}


def test_lab_ec2_costs_a_nano_its_two_volumes_and_one_public_ipv4(costs: dict[str, LabCost]) -> None:
    kit = costs["LabEc2"].kit

    assert kit.usd_per_hour == pytest.approx(LAB_EC2_BY_HAND)
    assert kit.usd_per_hour == pytest.approx(0.010186, abs=1e-6)
    assert sorted(item.what for item in kit.items) == [
        "1 GiB gp3 data volume",
        "8 GiB gp3 root volume",
        "public IPv4: Elastic IP of InstanceC1063A87",
        "t4g.nano instance",
    ]


def test_lab_asg_costs_two_nanos_with_no_public_ipv4(costs: dict[str, LabCost]) -> None:
    kit = costs["LabAsg"].kit

    assert kit.usd_per_hour == pytest.approx(LAB_ASG_BY_HAND)
    assert kit.usd_per_hour == pytest.approx(0.010153, abs=1e-6)
    assert not [item for item in kit.items if "IPv4" in item.what]


@pytest.mark.parametrize("lab_id", SERVERLESS_LABS)
def test_serverless_labs_cost_nothing_while_idle_and_say_what_bills_by_use(
    costs: dict[str, LabCost], lab_id: str
) -> None:
    kit = costs[lab_id].kit

    assert kit.usd_per_hour == 0.0
    assert kit.items == ()
    assert "Lambda::Function ×2" in kit.usage_summary()
    assert costs[lab_id].ratio is None


@pytest.mark.parametrize("lab_id", ["LabEc2", "LabAsg"])
def test_cdk_defaults_add_two_nat_gateways_and_their_addresses(
    costs: dict[str, LabCost], lab_id: str
) -> None:
    cost = costs[lab_id]

    nat_gateways = [item for item in cost.cdk_defaults.items if item.what == "NAT gateway"]
    assert len(nat_gateways) == 2
    assert cost.cdk_defaults.usd_per_hour == pytest.approx(
        cost.kit.usd_per_hour + CDK_DEFAULT_NETWORK_BY_HAND
    )


@pytest.mark.parametrize("lab_id", ["LabEc2", "LabAsg"])
def test_the_ec2_labs_are_at_least_ten_times_cheaper_than_on_cdk_defaults(
    costs: dict[str, LabCost], lab_id: str
) -> None:
    ratio = costs[lab_id].ratio

    assert ratio is not None
    assert ratio >= 10
    assert ratio == pytest.approx(10.8, abs=0.05)


def test_every_lab_meets_the_issue_cost_goal(costs: dict[str, LabCost]) -> None:
    assert {lab_id: cost.verdict() for lab_id, cost in costs.items()} == {
        "LabEc2": "yes",
        "LabAsg": "yes",
        "LabDdbStream": "yes",
        "LabStepFunction": "yes",
        "LabColdStart": "yes",
        "LabSpot": "yes",
        "LabBatch": "yes",
        "LabEfs": "yes",
    }


def test_a_lab_costing_more_than_its_cheapest_setup_misses_the_goal(
    synthesized: SynthesizedLabs, prices: PriceTable
) -> None:
    # the CDK-defaults build stands in for a kit that kept its NAT gateways
    defaults = price_template(synthesized.cdk_defaults["LabEc2"], prices)

    cost = lab_cost("LabEc2", kit=defaults, cdk_defaults=defaults, prices=prices)

    assert not cost.goal_met
    assert cost.verdict().startswith("NO: $0.11019/h vs cheapest $0.01019/h")


def test_markdown_output_shows_the_table_the_readme_pastes(
    synthesized: SynthesizedLabs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("labs.cost.synth.synthesize_labs", lambda **_: synthesized)

    code = command.run(
        argparse.Namespace(markdown=True, json=False, cdk_defaults_lines=True, labs=[], app=None)
    )

    out = capsys.readouterr().out
    assert code == 0
    assert "| LabEc2 | $0.01019 | $0.081 | $0.01019 | $0.11019 | 10.8× | yes |" in out
    assert "| LabAsg | $0.01015 | $0.081 | $0.01015 | $0.11015 | 10.8× | yes |" in out
    assert "| LabDdbStream | $0 | $0 | $0 | $0 | n/a (both $0 idle) | yes |" in out
    assert "| LabEc2 | VpcPublicSubnet1NATGateway4D7517AA | NAT gateway | 1 | $0.04500 |" in out
    assert "prices as of 2026-11-23" in out


def test_the_readme_shows_every_row_labkit_cost_prints(
    synthesized: SynthesizedLabs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("labs.cost.synth.synthesize_labs", lambda **_: synthesized)
    command.run(argparse.Namespace(markdown=True, json=False, cdk_defaults_lines=False, labs=[], app=None))
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")

    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("|")]

    assert len(rows) > 10
    assert [row for row in rows if row not in readme] == [], "paste `labkit cost --markdown` into the README"


def test_the_terminal_table_and_json_carry_the_same_figures(
    synthesized: SynthesizedLabs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("labs.cost.synth.synthesize_labs", lambda **_: synthesized)
    monkeypatch.setenv("COLUMNS", "200")

    command.run(argparse.Namespace(markdown=False, json=False, cdk_defaults_lines=False, labs=[], app=None))
    table = capsys.readouterr().out
    command.run(argparse.Namespace(markdown=False, json=True, cdk_defaults_lines=False, labs=[], app=None))
    figures = {lab["lab"]: lab for lab in json.loads(capsys.readouterr().out)["labs"]}

    assert "│ LabEc2          │ $0.01019 │" in table
    assert "10.8×" in table
    assert figures["LabEc2"]["kit_usd_per_hour"] == pytest.approx(LAB_EC2_BY_HAND)
    assert figures["LabAsg"]["cdk_defaults_usd_per_hour"] == pytest.approx(
        LAB_ASG_BY_HAND + CDK_DEFAULT_NETWORK_BY_HAND
    )
    assert figures["LabStepFunction"]["ratio"] is None


def test_the_command_synthesizes_with_cdk_json_feature_flags_only() -> None:
    flags = feature_flags()

    assert flags["@aws-cdk/aws-ec2:restrictDefaultSecurityGroup"] is True
    assert "owner" not in flags
