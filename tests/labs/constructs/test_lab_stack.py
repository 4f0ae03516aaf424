"""A landing zone's settings reach every template: the boundary on every role, class tags on every resource,
and a custom bootstrap qualifier in every reference to the bootstrap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from labs.registry import lab_ids
from labs.settings import LabSettings
from labs.shared_facts import TAG_LAB
from tests.synth import CDK_GROUP, FIXED_NOW, Synthesized, Template, props, resources, synthesize

pytestmark = CDK_GROUP

BOUNDARY_ARN = "arn:aws:iam::111111111111:policy/lz/LabBoundary"
CLASS_TAGS = (("CostCenter", "4711"), ("Course", "cs101 autumn"))
QUALIFIER = "lz4711"


@pytest.fixture(scope="module")
def landing_zone_synth() -> Synthesized:
    """A class in a landing zone: boundary by ARN, two required tags, the platform team's qualifier."""
    settings = LabSettings(permissions_boundary=BOUNDARY_ARN, class_tags=CLASS_TAGS, now=FIXED_NOW)
    return synthesize(settings, {"@aws-cdk/core:bootstrapQualifier": QUALIFIER})


@pytest.fixture(scope="module")
def landing_zone_templates(landing_zone_synth: Synthesized) -> dict[str, Template]:
    return landing_zone_synth.templates()


def tags_of(resource: dict[str, Any]) -> dict[str, str]:
    """The tags a resource is created with, whatever shape its type gives them."""
    tags = props(resource).get("Tags", {})
    if isinstance(tags, dict):
        return {str(key): str(value) for key, value in tags.items()}
    return {tag["Key"]: tag["Value"] for tag in tags}


def test_every_role_of_every_lab_carries_the_boundary(landing_zone_templates: dict[str, Template]) -> None:
    roles = {
        f"{lab}/{logical_id}": props(role).get("PermissionsBoundary")
        for lab, template in landing_zone_templates.items()
        for logical_id, role in resources(template, "AWS::IAM::Role").items()
    }
    # instance, function, bucket cleaner (the custom resource's), state machine and expiry roles
    assert len(roles) >= 10
    assert set(roles.values()) == {BOUNDARY_ARN}, roles
    expiry_roles = [name for name in roles if "ExpiryDeleteStackRole" in name]
    cleaner_roles = [name for name in roles if "Cleaner" in name]
    assert len(expiry_roles) == len(lab_ids())
    assert cleaner_roles


def test_a_boundary_given_by_name_is_the_policy_of_the_deploys_own_account() -> None:
    templates = synthesize(LabSettings(permissions_boundary="LabBoundary", now=FIXED_NOW)).templates()
    boundary = props(next(iter(resources(templates["LabEc2"], "AWS::IAM::Role").values())))[
        "PermissionsBoundary"
    ]
    assert json.dumps(boundary) == json.dumps(
        {
            "Fn::Join": [
                "",
                [
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    ":iam::",
                    {"Ref": "AWS::AccountId"},
                    ":policy/LabBoundary",
                ],
            ]
        }
    )


def test_without_a_boundary_no_role_has_one(templates: dict[str, Template]) -> None:
    for template in templates.values():
        for role in resources(template, "AWS::IAM::Role").values():
            assert "PermissionsBoundary" not in props(role)


def test_class_tags_reach_every_resource_the_kit_tags_and_every_stack(
    landing_zone_synth: Synthesized, landing_zone_templates: dict[str, Template]
) -> None:
    tagged = 0
    for lab, template in landing_zone_templates.items():
        for logical_id, resource in template["Resources"].items():
            tags = tags_of(resource)
            if TAG_LAB not in tags:
                continue
            tagged += 1
            assert tags["CostCenter"] == "4711", f"{lab}/{logical_id}"
            assert tags["Course"] == "cs101 autumn", f"{lab}/{logical_id}"
        # stack tags: CloudFormation gives them to every resource it creates that takes tags
        assert dict(CLASS_TAGS).items() <= landing_zone_synth.stack_tags(lab).items()
        assert landing_zone_synth.stack_tags(lab)[TAG_LAB] == lab
    assert tagged >= 40


def test_instances_an_auto_scaling_group_launches_carry_the_class_tags(
    landing_zone_templates: dict[str, Template],
) -> None:
    (group,) = resources(landing_zone_templates["LabAsg"], "AWS::AutoScaling::AutoScalingGroup").values()
    propagated = {tag["Key"]: tag["Value"] for tag in props(group)["Tags"] if tag["PropagateAtLaunch"]}
    assert propagated["CostCenter"] == "4711"
    (template,) = resources(landing_zone_templates["LabAsg"], "AWS::EC2::LaunchTemplate").values()
    specs = props(template)["LaunchTemplateData"]["TagSpecifications"]
    assert {spec["ResourceType"] for spec in specs} >= {"instance", "volume"}
    for spec in specs:
        assert {"Key": "Course", "Value": "cs101 autumn"} in spec["Tags"]


def test_a_custom_qualifier_is_in_every_bootstrap_reference(
    landing_zone_synth: Synthesized, landing_zone_templates: dict[str, Template]
) -> None:
    for lab, template in landing_zone_templates.items():
        assert template["Parameters"]["BootstrapVersion"]["Default"] == f"/cdk-bootstrap/{QUALIFIER}/version"
        manifest = json.loads((Path(landing_zone_synth.assembly.directory) / "manifest.json").read_text())
        properties = manifest["artifacts"][lab]["properties"]
        assert f"cdk-{QUALIFIER}-deploy-role-" in properties["assumeRoleArn"]
        # the role CloudFormation runs the stack as: the expiry's DeleteStack relies on it
        assert f"cdk-{QUALIFIER}-cfn-exec-role-" in properties["cloudFormationExecutionRoleArn"]
        assert "hnb659fds" not in json.dumps(template)
