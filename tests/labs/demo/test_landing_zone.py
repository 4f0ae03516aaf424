"""The kit's tooling in a landing zone: the demo's bootstrap and boundary, the leftover scan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from labs.demo.landing_zone import LandingZone
from labs.demo.runs import StepError
from labs.deployed.bootstrap import Bootstrap, BootstrapSettingError, cdk_context, required_version
from labs.leftovers.scan import scan_leftovers
from labs.settings import SettingsError
from tests.check_helpers import deploy, mocked_session
from tests.synth import Template

ACCOUNT = "123456789012"
BOUNDARY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/lz/LabBoundary"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def landing_zone() -> LandingZone:
    return LandingZone.from_options(
        [
            f"permissionsBoundary={BOUNDARY_ARN}",
            "@aws-cdk/core:bootstrapQualifier=lz01",
            "classTags=Course=cs101",
        ],
        toolkit_stack_name="LzToolkit",
    )


def test_the_demo_passes_context_to_synth_and_bootstraps_like_the_platform_team() -> None:
    zone = landing_zone()

    assert zone.synth_args() == [
        "-c",
        f"permissionsBoundary={BOUNDARY_ARN}",
        "-c",
        "@aws-cdk/core:bootstrapQualifier=lz01",
        "-c",
        "classTags=Course=cs101",
    ]
    assert zone.bootstrap_args() == [
        "--qualifier",
        "lz01",
        "--toolkit-stack-name",
        "LzToolkit",
        "--custom-permissions-boundary",
        "lz/LabBoundary",  # the bootstrap template builds policy/<this>: a boundary's path stays
        "--apply-permissions-boundary-to-all-roles",
    ]
    assert zone.deploy_args() == ["--toolkit-stack-name", "LzToolkit"]


def test_without_options_the_demo_uses_cdks_default_bootstrap() -> None:
    zone = LandingZone.from_options([])
    assert zone.bootstrap_args() == ["--qualifier", "hnb659fds", "--toolkit-stack-name", "CDKToolkit"]
    assert zone.synth_args() == []


def test_the_boundary_policy_is_created_and_every_role_must_carry_it(session: boto3.Session) -> None:
    zone = landing_zone()
    zone.prepare(session)
    bounded = {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": TRUST, "PermissionsBoundary": BOUNDARY_ARN},
        }
    }
    deploy(session, "LabDdbStream", bounded)
    unbounded = {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": TRUST}}}
    deploy(session, "LabStepFunction", unbounded)

    assert session.client("iam").get_policy(PolicyArn=BOUNDARY_ARN)["Policy"]["Path"] == "/lz/"
    zone.verify(session, "LabDdbStream")
    with pytest.raises(StepError, match=r"LabStepFunction: 1 of 1 role\(s\) lack the boundary"):
        zone.verify(session, "LabStepFunction")


def test_a_bad_option_stops_the_demo_before_it_starts() -> None:
    with pytest.raises(SettingsError, match="give context as key=value"):
        LandingZone.from_options(["permissionsBoundary"])
    with pytest.raises(SettingsError, match="permissionsBoundary="):
        LandingZone.from_options(["permissionsBoundary=not a policy"])


def test_a_platform_teams_toolkit_stack_is_never_a_leftover(session: boto3.Session) -> None:
    resources = {
        "StagingBucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {"BucketName": f"cdk-lz01-assets-{ACCOUNT}-us-east-1"},
        },
        "CloudFormationExecutionRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": f"cdk-lz01-cfn-exec-role-{ACCOUNT}-us-east-1",
                "AssumeRolePolicyDocument": TRUST,
            },
        },
    }
    deploy(session, "LzToolkit", resources)

    assert scan_leftovers(session, include_untagged=True) == []


def test_qualifier_and_toolkit_stack_come_from_cdk_json_then_context_then_the_option(tmp_path: Path) -> None:
    cdk_json = tmp_path / "cdk.json"
    cdk_json.write_text(
        json.dumps({"toolkitStackName": "LzToolkit", "context": {"@aws-cdk/core:bootstrapQualifier": "lz01"}})
    )

    assert Bootstrap.configured(cdk_json=cdk_json) == Bootstrap(
        qualifier="lz01", toolkit_stack_name="LzToolkit"
    )
    assert Bootstrap.configured(
        {"@aws-cdk/core:bootstrapQualifier": "lz02"}, toolkit_stack_name="Other", cdk_json=cdk_json
    ) == Bootstrap(qualifier="lz02", toolkit_stack_name="Other")
    assert Bootstrap.configured(cdk_json=tmp_path / "missing.json") == Bootstrap()
    assert cdk_context({"owner": "alice"}, cdk_json=cdk_json)["@aws-cdk/core:bootstrapQualifier"] == "lz01"


@pytest.mark.parametrize(
    ("qualifier", "stack"),
    [("toolongqualifier", "CDKToolkit"), ("lz 01", "CDKToolkit"), ("lz01", "9Toolkit")],
)
def test_a_qualifier_or_stack_name_cdk_would_refuse_is_refused_here(qualifier: str, stack: str) -> None:
    with pytest.raises(BootstrapSettingError):
        Bootstrap(qualifier=qualifier, toolkit_stack_name=stack)


def test_every_template_needs_bootstrap_version_6(templates: dict[str, Template]) -> None:
    assert {required_version(template) for template in templates.values()} == {6}
    assert required_version({}) is None
