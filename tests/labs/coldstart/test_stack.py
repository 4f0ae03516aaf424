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
from tests.synth import CDK_GROUP, Template, only, props, resolve, resources, synthesize

pytestmark = CDK_GROUP


@pytest.fixture(scope="module")
def template(templates: dict[str, Template]) -> Template:
    return templates["LabColdStart"]


class AnyName(dict[str, str]):
    """Every Ref and GetAtt resolves to one made-up physical name."""

    def __missing__(self, key: str) -> str:
        return "a-function"


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
        text = resolve(outputs[name]["Value"], AnyName())
        assert "aws lambda invoke" in text
        assert "--log-type Tail" in text
        # everything the invocation wrote but START and END: cold_start, an error's traceback, REPORT
        assert text.endswith("| base64 --decode | tr '\\r' '\\n' | grep -vE '^(START|END) RequestId'")
    assert "--qualifier live" in resolve(outputs["InvokeLiveCommand"]["Value"], AnyName())
    assert "update-function-configuration" in str(outputs["ForceColdStartCommand"]["Value"])


def test_the_invoke_command_shows_an_error_and_its_traceback_not_only_the_report(template: Template) -> None:
    """What `aws lambda invoke --log-type Tail` returns for a handler that raised on AWS: the runtime's
    warning, then one event whose traceback lines are separated by \\r (awslambdaric's text format)."""
    import base64
    import subprocess

    tail = "\n".join(
        [
            "START RequestId: r-1 Version: $LATEST",
            "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code.",
            '[ERROR] ValueError: boom\rTraceback (most recent call last):\r  File "/var/task/handler.py", '
            'line 5, in handler\r    raise ValueError("boom")',
            "END RequestId: r-1",
            "REPORT RequestId: r-1\tDuration: 2.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB",
        ]
    )
    command = resolve(template["Outputs"]["InvokeLightCommand"]["Value"], AnyName())
    decode = command[command.index("| base64") :]
    encoded = base64.b64encode(tail.encode()).decode()

    printed = subprocess.run(
        ["bash", "-c", f"printf %s {encoded} {decode}"], capture_output=True, text=True, check=True
    ).stdout.splitlines()

    assert printed[1] == "[ERROR] ValueError: boom"
    assert printed[2] == "Traceback (most recent call last):"
    assert '  File "/var/task/handler.py", line 5, in handler' in printed
    assert printed[-1].startswith("REPORT RequestId: r-1")
    assert not [line for line in printed if line.startswith(("START", "END"))]
