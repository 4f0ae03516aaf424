"""Preflight's landing-zone lines on the emulator, in an account the way a landing zone leaves it: a boundary
that denies what the labs need, a customer managed default EBS key, no Auto Scaling service-linked role."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest

from labs.deployed.bootstrap import Bootstrap
from labs.preflight.command import landing_zone_lines
from labs.preflight.results import CANNOT_TELL, FAIL, OK, Line
from local_aws.client import LocalAws
from tests.synth import Template

pytestmark = pytest.mark.emulator

BOUNDARY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["cloudformation:DeleteStack", "s3:DeleteObject"], "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:GetRecords", "Resource": "*"},
    ],
}


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    with LocalAws() as aws:
        session = aws.session()
        session.client("iam").create_policy(PolicyName="LabBoundary", PolicyDocument=json.dumps(BOUNDARY))
        yield session


def lines_of(session: boto3.Session, lab_id: str, template: Template) -> dict[str, Line]:
    found = landing_zone_lines(
        session,
        lab_id=lab_id,
        template=template,
        region=session.region_name,
        bootstrap=Bootstrap(),
        boundary="LabBoundary",
        zone=None,
    )
    return {line.check: line for line in found}


def test_the_boundary_simulation_names_the_actions_it_would_deny(
    session: boto3.Session, templates: dict[str, Template]
) -> None:
    lines = lines_of(session, "LabDdbStream", templates["LabDdbStream"])

    line = lines["permissions boundary allows what LabDdbStream needs (iam:SimulateCustomPolicy)"]
    assert line.status == FAIL
    assert "cloudformation:DeleteStack" in line.detail
    assert "s3:DeleteObject" in line.detail
    assert "dynamodb:GetRecords" in line.detail
    assert "the expiry cannot delete the stack" in line.detail
    assert "the cleaner fails and destroy ends DELETE_FAILED" in line.detail
    assert "s3:ListBucket" not in line.detail


def test_the_simulation_holds_the_actions_of_the_aws_managed_policies_the_roles_attach(
    session: boto3.Session, templates: dict[str, Template]
) -> None:
    """LabEfs's functions attach AWSLambdaVPCAccessExecutionRole, LabEc2's instance
    AmazonSSMManagedInstanceCore: a boundary that denies what those grant stops the lab on AWS, so preflight
    must not pass it."""
    no_network_interfaces = {
        "Version": "2012-10-17",
        "Statement": [
            BOUNDARY["Statement"][0],
            {
                "Effect": "Deny",
                "Action": ["ec2:CreateNetworkInterface", "ssmmessages:CreateControlChannel"],
                "Resource": "*",
            },
        ],
    }
    session.client("iam").create_policy(
        PolicyName="NoNetworkInterfaces", PolicyDocument=json.dumps(no_network_interfaces)
    )

    def line(lab_id: str) -> Line:
        found = landing_zone_lines(
            session,
            lab_id=lab_id,
            template=templates[lab_id],
            region=session.region_name,
            bootstrap=Bootstrap(),
            boundary="NoNetworkInterfaces",
            zone=None,
        )
        (simulated,) = [line for line in found if "iam:SimulateCustomPolicy" in line.check]
        return simulated

    efs, ec2 = line("LabEfs"), line("LabEc2")

    assert efs.status == FAIL
    assert "the boundary denies 1 of" in efs.detail
    assert "ec2:CreateNetworkInterface (a function in a VPC cannot be created)" in efs.detail
    assert ec2.status == FAIL
    assert "ssmmessages:CreateControlChannel (Session Manager cannot reach the instance)" in ec2.detail


def test_an_allowing_boundary_passes(session: boto3.Session, templates: dict[str, Template]) -> None:
    iam = session.client("iam")
    allow_all = {"Version": "2012-10-17", "Statement": [BOUNDARY["Statement"][0]]}
    iam.create_policy(PolicyName="OpenBoundary", PolicyDocument=json.dumps(allow_all))

    found = landing_zone_lines(
        session,
        lab_id="LabEc2",
        template=templates["LabEc2"],
        region=session.region_name,
        bootstrap=Bootstrap(),
        boundary="OpenBoundary",
        zone=None,
    )

    (line,) = [line for line in found if "iam:SimulateCustomPolicy" in line.check]
    assert line.status == OK
    assert line.detail.startswith("all ")


def test_auto_scaling_needs_its_service_linked_role_and_a_key_it_may_use(
    session: boto3.Session, templates: dict[str, Template]
) -> None:
    kms, ec2, iam = session.client("kms"), session.client("ec2"), session.client("iam")
    key = kms.create_key(Description="the landing zone's EBS key")["KeyMetadata"]["KeyId"]
    ec2.enable_ebs_encryption_by_default()
    ec2.modify_ebs_default_kms_key_id(KmsKeyId=key)

    before = lines_of(session, "LabAsg", templates["LabAsg"])
    iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(key_policy_for_auto_scaling()))
    after = lines_of(session, "LabAsg", templates["LabAsg"])

    role = "Auto Scaling service-linked role AWSServiceRoleForAutoScaling exists"
    ebs = "the default EBS key lets Auto Scaling launch encrypted volumes"
    assert before[role].status == CANNOT_TELL
    assert "iam:CreateServiceLinkedRole" in before[role].detail
    assert before[ebs].status == FAIL
    assert "kms:CreateGrant" in before[ebs].detail
    assert "Client.InternalError" in before[ebs].detail
    assert (after[role].status, after[ebs].status) == (OK, OK)


def test_lab_batch_needs_batchs_service_linked_role_and_names_the_command_that_creates_it(
    session: boto3.Session, templates: dict[str, Template]
) -> None:
    role = "Batch service-linked role AWSServiceRoleForBatch exists"
    before = lines_of(session, "LabBatch", templates["LabBatch"])
    session.client("iam").create_service_linked_role(AWSServiceName="batch.amazonaws.com")
    after = lines_of(session, "LabBatch", templates["LabBatch"])

    assert before[role].status == CANNOT_TELL
    assert "the first compute environment without a service role creates it" in before[role].detail
    assert before[role].fix.startswith(
        "aws iam create-service-linked-role --aws-service-name batch.amazonaws.com"
    )
    assert after[role].status == OK
    # a lab without Batch does not ask for it; LabBatch does not ask for Auto Scaling's
    assert role not in lines_of(session, "LabAsg", templates["LabAsg"])
    assert not [check for check in after if "Auto Scaling" in check]


def test_the_zones_are_those_fn_getazs_returns(
    session: boto3.Session, templates: dict[str, Template]
) -> None:
    lines = lines_of(session, "LabAsg", templates["LabAsg"])
    picked = lines["zones CloudFormation picks for LabAsg (Fn::GetAZs)"]
    assert (picked.status, picked.detail) == (
        OK,
        "us-east-1a, us-east-1b (the first zones with a default subnet, alphabetically)",
    )

    ec2 = session.client("ec2")
    default_a = ec2.describe_subnets(
        Filters=[
            {"Name": "default-for-az", "Values": ["true"]},
            {"Name": "availability-zone", "Values": ["us-east-1a"]},
        ]
    )["Subnets"][0]["SubnetId"]
    ec2.delete_subnet(SubnetId=default_a)

    moved = lines_of(session, "LabEc2", templates["LabEc2"])[
        "zones CloudFormation picks for LabEc2 (Fn::GetAZs)"
    ]
    assert moved.detail.startswith("us-east-1b ")
    assert "availabilityZone" in moved.fix
    offered = [
        line for check, line in lines_of(session, "LabEc2", templates["LabEc2"]).items() if "offered" in check
    ]
    assert offered[0].detail == "offered in us-east-1b"


def test_the_function_labs_check_the_powertools_region(
    session: boto3.Session, templates: dict[str, Template]
) -> None:
    lines = lines_of(session, "LabStepFunction", templates["LabStepFunction"])
    (line,) = [line for check, line in lines.items() if check.startswith("Powertools layer")]
    assert line.status == OK


def key_policy_for_auto_scaling(account: str = "123456789012") -> dict[str, object]:
    """The EC2 Auto Scaling guide's two statements for its service-linked role, plus the account's own."""
    role = (
        f"arn:aws:iam::{account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": [role]},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:DescribeKey",
                ],
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": [role]},
                "Action": "kms:CreateGrant",
                "Resource": "*",
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": True}},
            },
        ],
    }
