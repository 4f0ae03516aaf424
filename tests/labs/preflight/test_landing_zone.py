"""Each landing-zone line of `labkit preflight`, both ways: moto's answers, or AWS's refusals stubbed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from labs.deployed.bootstrap import Bootstrap
from labs.deployed.session import new_session
from labs.preflight.account import bootstrap_line, boundary_line, execution_role_line, region_line
from labs.preflight.results import CANNOT_TELL, FAIL, OK, exit_code
from labs.preflight.zones import instance_type_line
from tests.check_helpers import mocked_session

ACCOUNT = "123456789012"
REGION = "us-east-1"
LANDING_ZONE = Bootstrap(qualifier="lz01", toolkit_stack_name="LzToolkit")
SCP_DENY = (
    "You are not authorized to perform this operation. "
    "User: arn:aws:sts::123456789012:assumed-role/Learner/x is not authorized to perform: "
    "ec2:DescribeAvailabilityZones with an explicit deny in a service control policy. "
    "Encoded authorization failure message: abc"
)

BOUNDARY_DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def refused(code: str, message: str) -> Any:
    """An EC2 client that answers DescribeAvailabilityZones with this error, as AWS would."""
    ec2 = new_session(region_name="eu-central-2", aws_access_key_id="x", aws_secret_access_key="x").client(
        "ec2"
    )
    stubber = Stubber(ec2)
    stubber.add_client_error("describe_availability_zones", service_error_code=code, service_message=message)
    stubber.activate()
    return ec2


def bootstrap_like_the_platform_team(
    session: boto3.Session, *, version: str = "30", qualifier: str = "lz01"
) -> None:
    """What `cdk bootstrap --qualifier lz01 --toolkit-stack-name LzToolkit` leaves: stack, version, role."""
    template = {
        "Parameters": {"Qualifier": {"Type": "String"}},
        "Resources": {
            "Version": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Name": f"/cdk-bootstrap/{qualifier}/version",
                    "Type": "String",
                    "Value": version,
                },
            }
        },
    }
    session.client("cloudformation").create_stack(
        StackName="LzToolkit",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "Qualifier", "ParameterValue": qualifier}],
    )
    session.client("iam").create_role(
        RoleName=LANDING_ZONE.execution_role_name(ACCOUNT, REGION), AssumeRolePolicyDocument="{}"
    )


def check_bootstrap(session: boto3.Session, required: int | None = 6) -> Any:
    return bootstrap_line(
        session.client("ssm"),
        session.client("cloudformation"),
        LANDING_ZONE,
        required=required,
        account=ACCOUNT,
        region=REGION,
    )


# -- region ---------------------------------------------------------------------------------------
def test_a_region_that_answers_passes(session: boto3.Session) -> None:
    assert region_line(session.client("ec2"), REGION).status == OK


def test_an_organisation_policy_denying_the_region_is_named_as_such() -> None:
    line = region_line(refused("UnauthorizedOperation", SCP_DENY), "eu-central-2")

    assert line.status == FAIL
    assert "an organisation policy denies region eu-central-2" in line.detail
    assert "allows (--region)" in line.fix
    assert exit_code([line]) == 1


def test_a_region_the_account_has_not_enabled_says_how_to_enable_it() -> None:
    line = region_line(
        refused("AuthFailure", "AWS was not able to validate the provided access credentials"), "me-south-1"
    )

    assert line.status == FAIL
    assert "not enabled for this account" in line.detail
    assert "aws account enable-region --region-name me-south-1" in line.fix


def test_a_refusal_without_an_organisation_policy_cannot_tell() -> None:
    line = region_line(
        refused("UnauthorizedOperation", "You are not authorized to perform this operation."), REGION
    )

    assert line.status == CANNOT_TELL
    assert exit_code([line]) == 0


# -- bootstrap ------------------------------------------------------------------------------------
def test_the_platform_teams_bootstrap_with_its_qualifier_passes(session: boto3.Session) -> None:
    bootstrap_like_the_platform_team(session)

    line = check_bootstrap(session)

    assert line.status == OK, line
    assert line.check == "CDK bootstrap (qualifier lz01, stack LzToolkit)"


def test_no_bootstrap_with_the_qualifier_fails_with_the_bootstrap_command(session: boto3.Session) -> None:
    line = check_bootstrap(session)

    assert line.status == FAIL
    assert "/cdk-bootstrap/lz01/version is missing" in line.detail
    assert line.fix.startswith(
        f"cdk bootstrap aws://{ACCOUNT}/{REGION} --qualifier lz01 --toolkit-stack-name LzToolkit"
    )


def test_an_old_bootstrap_fails(session: boto3.Session) -> None:
    bootstrap_like_the_platform_team(session, version="5")

    line = check_bootstrap(session, required=6)

    assert line.status == FAIL
    assert "bootstrap version 5; the labs need 6 or later" in line.detail


def test_a_toolkit_stack_of_another_qualifier_fails_and_names_it(session: boto3.Session) -> None:
    bootstrap_like_the_platform_team(session, qualifier="other")
    session.client("ssm").put_parameter(Name="/cdk-bootstrap/lz01/version", Value="30", Type="String")

    line = check_bootstrap(session)

    assert line.status == FAIL
    assert "bootstraps qualifier other, not lz01" in line.detail
    assert "-c @aws-cdk/core:bootstrapQualifier=other" in line.fix


def test_a_version_without_the_named_toolkit_stack_cannot_tell(session: boto3.Session) -> None:
    session.client("ssm").put_parameter(Name="/cdk-bootstrap/lz01/version", Value="30", Type="String")

    line = check_bootstrap(session)

    assert line.status == CANNOT_TELL
    assert "no stack LzToolkit" in line.detail
    assert "toolkitStackName" in line.fix


# -- the expiry's execution role --------------------------------------------------------------------
def test_the_execution_role_the_expiry_relies_on(session: boto3.Session) -> None:
    iam = session.client("iam")
    missing = execution_role_line(iam, LANDING_ZONE, account=ACCOUNT, region=REGION)
    bootstrap_like_the_platform_team(session)
    present = execution_role_line(iam, LANDING_ZONE, account=ACCOUNT, region=REGION)

    name = f"cdk-lz01-cfn-exec-role-{ACCOUNT}-{REGION}"
    assert (
        missing.check
        == f"expiry can delete the stack: the bootstrap's CloudFormation execution role {name} exists"
    )
    assert (missing.status, present.status) == (FAIL, OK)
    assert "the expiry's DeleteStack would fail" in missing.detail


# -- the permissions boundary ---------------------------------------------------------------------
@pytest.mark.parametrize("boundary", ["LabBoundary", f"arn:aws:iam::{ACCOUNT}:policy/LabBoundary"])
def test_the_boundary_policy_must_exist(session: boto3.Session, boundary: str) -> None:
    iam = session.client("iam")
    missing = boundary_line(iam, boundary, account=ACCOUNT)
    iam.create_policy(PolicyName="LabBoundary", PolicyDocument=BOUNDARY_DOCUMENT)
    present = boundary_line(iam, boundary, account=ACCOUNT)

    assert (missing.status, present.status) == (FAIL, OK)
    assert f"arn:aws:iam::{ACCOUNT}:policy/LabBoundary" in present.check
    assert "-c permissionsBoundary=" in missing.fix


# -- the instance type in the lab's zones ---------------------------------------------------------
def test_t4g_nano_is_offered_in_lab_ec2s_first_zone_and_lab_asgs_first_two(session: boto3.Session) -> None:
    ec2 = session.client("ec2")
    for lab_id, zones in (("LabEc2", "us-east-1a"), ("LabAsg", "us-east-1a, us-east-1b")):
        line = instance_type_line(ec2, lab_id=lab_id, instance_types=["t4g.nano"], chosen_zone=None)
        assert line is not None
        assert (line.status, line.detail) == (OK, f"offered in {zones}")


def test_a_zone_without_the_type_names_one_that_has_it(session: boto3.Session) -> None:
    line = instance_type_line(
        session.client("ec2"), lab_id="LabEc2", instance_types=["t4g.nano"], chosen_zone="us-east-1e"
    )

    assert line is not None
    assert line.status == FAIL
    assert line.detail.startswith("t4g.nano is not offered in us-east-1e (offered in us-east-1a, us-east-1b")
    assert line.fix.startswith("set -c availabilityZone=us-east-1a")


def test_a_serverless_lab_has_no_instance_line(session: boto3.Session) -> None:
    assert (
        instance_type_line(session.client("ec2"), lab_id="LabDdbStream", instance_types=[], chosen_zone=None)
        is None
    )
