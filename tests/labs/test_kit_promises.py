"""Promises every lab keeps: nothing retained, no NAT, no fixed names, owned log groups, useful outputs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from labs.registry import lab_ids
from labs.shared_facts import POWERTOOLS_LAYER_NAME, POWERTOOLS_LAYER_REGIONS
from tests.synth import Template, props, resources

STATEFUL_TYPES = {
    "AWS::EC2::Volume",
    "AWS::EC2::Instance",
    "AWS::EC2::EIP",
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::Logs::LogGroup",
}
# properties that would pin a physical name, so two learners in one account would collide
FIXED_NAME_PROPERTIES = {
    "BucketName",
    "TableName",
    "FunctionName",
    "RoleName",
    "QueueName",
    "StateMachineName",
    "LogGroupName",
    "GroupName",
    "AutoScalingGroupName",
    "LaunchTemplateName",
    "Name",
    "InstanceProfileName",
}


def _all_resources(templates: dict[str, Template]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (lab_id, logical_id, resource)
        for lab_id, template in templates.items()
        for logical_id, resource in template["Resources"].items()
    ]


def test_nothing_is_retained_on_destroy(templates: dict[str, Template]) -> None:
    retained = [
        f"{lab}/{logical_id}"
        for lab, logical_id, resource in _all_resources(templates)
        if resource.get("DeletionPolicy", "Delete") != "Delete"
        or resource.get("UpdateReplacePolicy", "Delete") != "Delete"
    ]
    assert retained == []


def test_stateful_resources_say_delete_explicitly(templates: dict[str, Template]) -> None:
    implicit = [
        f"{lab}/{logical_id}"
        for lab, logical_id, resource in _all_resources(templates)
        if resource["Type"] in STATEFUL_TYPES - {"AWS::EC2::Instance", "AWS::EC2::EIP"}
        and resource.get("DeletionPolicy") != "Delete"
    ]
    assert implicit == []


def test_no_nat_gateway_anywhere(templates: dict[str, Template]) -> None:
    assert [r for _, _, r in _all_resources(templates) if r["Type"] == "AWS::EC2::NatGateway"] == []


# named inside their CloudFormation-named parent (an alias inside its function): no two stacks collide
SCOPED_NAME_TYPES = {"AWS::Lambda::Alias"}


def test_no_fixed_physical_names(templates: dict[str, Template]) -> None:
    named = [
        f"{lab}/{logical_id}.{name}"
        for lab, logical_id, resource in _all_resources(templates)
        for name in FIXED_NAME_PROPERTIES & set(props(resource))
        if isinstance(props(resource)[name], str) and resource["Type"] not in SCOPED_NAME_TYPES
    ]
    assert named == []


@pytest.mark.parametrize("lab_id", lab_ids())
def test_every_log_group_has_retention_and_is_deleted(lab_id: str, templates: dict[str, Template]) -> None:
    groups = resources(templates[lab_id], "AWS::Logs::LogGroup")
    for logical_id, group in groups.items():
        assert props(group).get("RetentionInDays"), logical_id
        assert group["DeletionPolicy"] == "Delete", logical_id


def test_no_lab_holds_an_account_level_log_resource_policy(templates: dict[str, Template]) -> None:
    """CloudWatch Logs allows 10 resource policies per region per account (not adjustable): one per stack
    stopped the 11th learner of a shared class account (its deploy ended ROLLBACK_COMPLETE)."""
    held = [f"{lab}/{logical_id}" for lab, logical_id, r in _all_resources(templates) if r["Type"] == POLICY]
    assert held == []


POLICY = "AWS::Logs::ResourcePolicy"


@pytest.mark.parametrize("lab_id", ["LabDdbStream", "LabStepFunction", "LabSpot"])
def test_every_function_logs_to_a_group_of_its_stack(lab_id: str, templates: dict[str, Template]) -> None:
    template = templates[lab_id]
    groups = set(resources(template, "AWS::Logs::LogGroup"))
    functions = resources(template, "AWS::Lambda::Function")
    assert functions
    for logical_id, function in functions.items():
        log_group = props(function)["LoggingConfig"]["LogGroup"]
        assert log_group["Ref"] in groups, logical_id


def test_no_lambda_outside_the_kits_own_code(templates: dict[str, Template]) -> None:
    """No CDK-provided custom-resource Lambdas: they create log groups the stack never deletes."""
    custom = [
        f"{lab}/{logical_id}"
        for lab, logical_id, resource in _all_resources(templates)
        if resource["Type"] == "AWS::Lambda::Function"
        and props(resource).get("Runtime", "").startswith("nodejs")
    ]
    assert custom == []


@pytest.mark.parametrize("lab_id", lab_ids())
def test_outputs_tell_the_learner_what_to_do_next(lab_id: str, templates: dict[str, Template]) -> None:
    outputs = templates[lab_id]["Outputs"]
    commands = [name for name in outputs if name.endswith("Command")]
    assert len(commands) >= 2, commands
    for name, output in outputs.items():
        assert output.get("Description"), name
    assert "ExpiresAt" in outputs


@pytest.mark.parametrize("lab_id", lab_ids())
def test_every_stack_describes_its_lab(lab_id: str, templates: dict[str, Template]) -> None:
    assert templates[lab_id]["Description"].startswith(f"labkit {lab_id}: ")


def uses_the_powertools_layer(template: Template) -> list[str]:
    """The functions of a template that run with the pinned Powertools layer."""
    return [
        logical_id
        for logical_id, resource in resources(template, "AWS::Lambda::Function").items()
        if POWERTOOLS_LAYER_NAME in json.dumps(resource.get("Properties", {}).get("Layers", []))
    ]


def refuses_unpublished_regions(template: Template) -> bool:
    """The template holds a rule that stops a deploy in a region the layer is not published in."""
    for rule in template.get("Rules", {}).values():
        for assertion in rule.get("Assertions", []):
            contains = assertion.get("Assert", {}).get("Fn::Contains")
            if contains and sorted(contains[0]) == sorted(POWERTOOLS_LAYER_REGIONS):
                return (
                    contains[1] == {"Ref": "AWS::Region"}
                    and "not published" in assertion["AssertDescription"]
                )
    return False


@pytest.mark.parametrize("lab_id", lab_ids())
def test_a_lab_whose_functions_use_the_powertools_layer_refuses_a_region_without_it(
    lab_id: str, templates: dict[str, Template]
) -> None:
    if uses_the_powertools_layer(templates[lab_id]):
        assert refuses_unpublished_regions(templates[lab_id])


def test_the_function_labs_are_the_ones_that_use_the_powertools_layer(templates: dict[str, Template]) -> None:
    using = {lab_id for lab_id, template in templates.items() if uses_the_powertools_layer(template)}
    assert using == {"LabDdbStream", "LabStepFunction", "LabColdStart"}
    assert len(uses_the_powertools_layer(templates["LabColdStart"])) == 3
