"""LabColdStart keeps its promises: three arm64 functions, one handler file, alias live, PC off by default."""

from __future__ import annotations

import pytest

from labs.coldstart.spec import (
    FUNCTIONS,
    HANDLER,
    PROFILE_VARIABLE,
    PROVISIONED_CONTEXT,
    provisioned_usd_per_hour,
)
from labs.cost.calculator import price_template
from labs.cost.prices import load_prices
from labs.settings import LabSettings
from labs.shared_facts import POWERTOOLS_LAYER_NAME
from tests.synth import CDK_GROUP, Template, only, props, resources, synthesize

pytestmark = CDK_GROUP


@pytest.fixture(scope="module")
def template(templates: dict[str, Template]) -> Template:
    return templates["LabColdStart"]


def lab_functions(template: Template) -> dict[str, dict[str, object]]:
    found = resources(template, "AWS::Lambda::Function")
    return {
        role.construct_id: props(
            next(r for key, r in found.items() if key.startswith(f"{role.construct_id}Function"))
        )
        for role in FUNCTIONS
    }


def test_three_arm64_functions_share_one_handler_and_differ_in_profile_and_memory(template: Template) -> None:
    functions = lab_functions(template)

    assert {name: f["MemorySize"] for name, f in functions.items()} == {
        "Light": 128,
        "Heavy128": 128,
        "Heavy1024": 1024,
    }
    assert {f["Handler"] for f in functions.values()} == {HANDLER}
    assert {f["Architectures"][0] for f in functions.values()} == {"arm64"}  # type: ignore[index]
    profiles = {name: f["Environment"]["Variables"][PROFILE_VARIABLE] for name, f in functions.items()}  # type: ignore[index]
    assert profiles == {"Light": "light", "Heavy128": "heavy", "Heavy1024": "heavy"}
    codes = {str(f["Code"]) for f in functions.values()}
    assert len(codes) == 1  # one asset: the one handler file


def test_every_function_logs_through_the_powertools_layer(template: Template) -> None:
    for function in lab_functions(template).values():
        layers = function["Layers"]
        assert any(POWERTOOLS_LAYER_NAME in str(layer) for layer in layers)  # type: ignore[attr-defined]


def test_alias_live_points_at_a_published_version_without_provisioned_concurrency_by_default(
    template: Template,
) -> None:
    alias = props(only(template, "AWS::Lambda::Alias"))
    version = props(only(template, "AWS::Lambda::Version"))

    assert alias["Name"] == "live"
    assert "ProvisionedConcurrencyConfig" not in alias
    assert version["FunctionName"]["Ref"].startswith("LightFunction")


def test_the_context_flag_turns_provisioned_concurrency_on(default_settings: LabSettings) -> None:
    synthesized = synthesize(default_settings, context={PROVISIONED_CONTEXT: "1"})
    template = synthesized.templates()["LabColdStart"]

    alias = props(only(template, "AWS::Lambda::Alias"))

    assert alias["ProvisionedConcurrencyConfig"] == {"ProvisionedConcurrentExecutions": 1}
    # what the teacher's class status and `labkit cost` price is what the stack's output announces
    provisioned = [
        item for item in price_template(template, load_prices()).items if "provisioned" in item.what
    ]
    assert [item.usd_per_hour for item in provisioned] == [pytest.approx(provisioned_usd_per_hour())]
    assert f"${provisioned_usd_per_hour():.4f}/h" in str(template["Outputs"]["InvokeLiveCommand"])


def test_outputs_invoke_each_function_and_the_alias_and_print_their_report(template: Template) -> None:
    outputs = template["Outputs"]
    for name in (
        "InvokeLightCommand",
        "InvokeHeavy128Command",
        "InvokeHeavy1024Command",
        "InvokeLiveCommand",
    ):
        text = str(outputs[name]["Value"])
        assert "aws lambda invoke" in text
        assert "--log-type Tail" in text
        assert "grep -E 'REPORT|cold_start'" in text
    assert "--qualifier live" in str(outputs["InvokeLiveCommand"]["Value"])
    assert "update-function-configuration" in str(outputs["ForceColdStartCommand"]["Value"])
