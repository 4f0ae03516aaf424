"""IAM parity: a role's permissions boundary must be a managed policy that exists, as on AWS."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.local_aws.services.stacks import deploy, status, unique, update

pytestmark = pytest.mark.emulator
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
MISSING = "arn:aws:iam::123456789012:policy/NoSuchPolicy"


def refusal(call: ClientError) -> tuple[int, str, str]:
    error = call.response["Error"]
    return call.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"], error["Message"]


def test_create_role_with_a_boundary_that_does_not_exist_is_refused(session: boto3.Session) -> None:
    iam = session.client("iam")
    name = unique("bounded")

    with pytest.raises(ClientError) as refused:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, PermissionsBoundary=MISSING)

    assert refusal(refused.value) == (
        404,
        "NoSuchEntity",
        f"Scope ARN: {MISSING} does not exist or is not attachable.",
    )
    assert name not in [role["RoleName"] for role in iam.list_roles()["Roles"]]


def test_put_role_permissions_boundary_that_does_not_exist_is_refused(session: boto3.Session) -> None:
    iam = session.client("iam")
    name = unique("bounded")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)

    with pytest.raises(ClientError) as refused:
        iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=MISSING)

    assert refusal(refused.value)[1] == "NoSuchEntity"
    assert "PermissionsBoundary" not in iam.get_role(RoleName=name)["Role"]


def test_customer_and_aws_managed_boundaries_that_exist_keep_working(session: boto3.Session) -> None:
    iam = session.client("iam")
    customer = iam.create_policy(
        PolicyName=unique("LabBoundary"),
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    aws_managed = "arn:aws:iam::aws:policy/PowerUserAccess"
    service_role = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

    bounded = [unique("bounded") for _ in range(3)]
    for name, boundary in zip(bounded, (customer, aws_managed, service_role), strict=True):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, PermissionsBoundary=boundary)
    iam.put_role_permissions_boundary(RoleName=bounded[0], PermissionsBoundary=aws_managed)

    boundaries = [
        iam.get_role(RoleName=n)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] for n in bounded
    ]
    assert boundaries == [aws_managed, aws_managed, service_role]


def test_a_stack_whose_role_names_a_missing_boundary_fails_and_rolls_back(session: boto3.Session) -> None:
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": json.loads(TRUST), "PermissionsBoundary": MISSING},
    }

    stack = deploy(session, {"Role": role})

    assert status(session, stack) == "ROLLBACK_COMPLETE"
    events = session.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    assert any("does not exist or is not attachable" in e.get("ResourceStatusReason", "") for e in events)


def _role(boundary: str | None = None, description: str = "") -> dict[str, object]:
    properties: dict[str, object] = {
        "AssumeRolePolicyDocument": json.loads(TRUST),
        "Description": description,
    }
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {**properties, **({"PermissionsBoundary": boundary} if boundary else {})},
    }


def _boundary_of(session: boto3.Session, stack: str) -> str | None:
    cloudformation = session.client("cloudformation")
    name = cloudformation.describe_stack_resource(StackName=stack, LogicalResourceId="Role")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    role = session.client("iam").get_role(RoleName=name)["Role"]
    return role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")


def test_a_boundary_added_to_a_deployed_role_that_does_not_exist_fails_the_update(
    session: boto3.Session,
) -> None:
    stack = deploy(session, {"Role": _role()})

    update(session, stack, {"Role": _role(MISSING, "redeployed")})

    assert status(session, stack) == "UPDATE_ROLLBACK_COMPLETE"
    events = session.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    assert any(f"Scope ARN: {MISSING} does not exist" in e.get("ResourceStatusReason", "") for e in events)
    assert _boundary_of(session, stack) is None


def test_a_boundary_added_changed_or_removed_by_an_update_reaches_the_role(session: boto3.Session) -> None:
    power_user, read_only = (
        "arn:aws:iam::aws:policy/PowerUserAccess",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )
    stack = deploy(session, {"Role": _role()})

    seen = []
    for boundary in (power_user, read_only, None):
        update(session, stack, {"Role": _role(boundary, f"with {boundary}")})
        seen.append((status(session, stack), _boundary_of(session, stack)))

    assert seen == [
        ("UPDATE_COMPLETE", power_user),
        ("UPDATE_COMPLETE", read_only),
        ("UPDATE_COMPLETE", None),
    ]
