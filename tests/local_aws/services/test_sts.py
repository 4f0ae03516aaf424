"""STS parity: a role in another account is reached only when it exists there and its trust policy allows
the caller (its principal, the class's external id, a source identity), and then acts there."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from labs.classroom.rehearsal import create_admin_role

LEARNER = "210987654321"
MISSING = "310987654321"


def test_assume_role_into_a_role_of_another_account_acts_in_that_account(session: boto3.Session) -> None:
    teacher = session.client("sts").get_caller_identity()["Account"]
    role_arn = create_admin_role(session, LEARNER, trusted_account=teacher, role="ParityTeacher")

    credentials = session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="labkit-moto")[
        "Credentials"
    ]
    learner = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=session.region_name,
    )
    endpoint = session.client("sts").meta.endpoint_url
    learner.client("sqs", endpoint_url=endpoint).create_queue(QueueName="only-in-the-learner-account")

    identity = learner.client("sts", endpoint_url=endpoint).get_caller_identity()
    assert identity["Account"] == LEARNER
    assert identity["Arn"].endswith(":assumed-role/ParityTeacher/labkit-moto")
    queues = learner.client("sqs", endpoint_url=endpoint).list_queues().get("QueueUrls")
    assert "only-in-the-learner-account" in str(queues)
    assert "only-in-the-learner-account" not in str(session.client("sqs").list_queues().get("QueueUrls"))


def test_assume_role_into_a_role_that_does_not_exist_is_access_denied(session: boto3.Session) -> None:
    missing = f"arn:aws:iam::{MISSING}:role/ParityTeacher"

    with pytest.raises(ClientError) as refused:
        session.client("sts").assume_role(RoleArn=missing, RoleSessionName="labkit-moto")

    error = refused.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert error["Message"].endswith(f"is not authorized to perform: sts:AssumeRole on resource: {missing}")


TRUSTING = "410987654321"


def teacher_role(session: boto3.Session, name: str, trusted: str) -> str:
    """A role in account TRUSTING whose trust is the teacher-access stack's: one principal, the class's
    external id, a source identity required."""
    iam = session.client("iam")

    def in_trusting_account(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = TRUSTING

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": [trusted]},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                "Condition": {
                    "StringEquals": {"sts:ExternalId": "class-1b"},
                    "StringLike": {"sts:SourceIdentity": "*"},
                },
            }
        ],
    }
    iam.meta.events.register("before-sign.iam.*", in_trusting_account)
    try:
        created = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    finally:
        iam.meta.events.unregister("before-sign.iam.*", in_trusting_account)
    return str(created["Role"]["Arn"])


def refusal(session: boto3.Session, **arguments: str) -> str:
    with pytest.raises(ClientError) as refused:
        session.client("sts").assume_role(RoleSessionName="labkit-moto", **arguments)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    return str(refused.value.response["Error"]["Message"])


def test_a_role_trusting_the_caller_with_external_id_and_source_identity_is_assumed(
    session: boto3.Session,
) -> None:
    caller = session.client("sts").get_caller_identity()["Arn"]  # moto's user/moto
    trusted = caller.replace(":sts::", ":iam::")
    role = teacher_role(session, "TrustsTheTeacher", trusted)

    answer = session.client("sts").assume_role(
        RoleArn=role, RoleSessionName="labkit-moto", ExternalId="class-1b", SourceIdentity="moto"
    )

    session_arn = answer["AssumedRoleUser"]["Arn"]
    assert session_arn.startswith(f"arn:aws:sts::{TRUSTING}:assumed-role/TrustsTheTeacher/")
    assert refusal(session, RoleArn=role, ExternalId="class-1a", SourceIdentity="moto").endswith(
        f"is not authorized to perform: sts:AssumeRole on resource: {role}"
    )
    assert refusal(session, RoleArn=role, SourceIdentity="moto")  # no external id
    assert refusal(session, RoleArn=role, ExternalId="class-1b")  # no source identity


def test_a_role_trusting_another_principal_is_access_denied(session: boto3.Session) -> None:
    role = teacher_role(session, "TrustsSomeoneElse", "arn:aws:iam::999999999999:role/OtherTeacher")

    message = refusal(session, RoleArn=role, ExternalId="class-1b", SourceIdentity="moto")

    assert message.endswith(f"sts:AssumeRole on resource: {role}")


def test_a_source_identity_needs_sts_set_source_identity_in_the_trust(session: boto3.Session) -> None:
    teacher = session.client("sts").get_caller_identity()["Account"]
    role = create_admin_role(session, "510987654321", trusted_account=teacher, role="NoSourceIdentity")

    message = refusal(session, RoleArn=role, SourceIdentity="moto")

    assert message.endswith(f"sts:SetSourceIdentity on resource: {role}")
    assert session.client("sts").assume_role(RoleArn=role, RoleSessionName="labkit-moto")["Credentials"]


def test_a_role_whose_trust_drops_a_statement_with_no_value_is_assumed(session: boto3.Session) -> None:
    # the CDK bootstrap's deploy role: a trust statement under Fn::If that is AWS::NoValue, which
    # CloudFormation drops from the list; `cdk deploy` assumes that role first
    account = session.client("sts").get_caller_identity()["Account"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "sts:AssumeRole",
            },
            {"Fn::If": ["Never", {"Effect": "Allow", "Action": "sts:AssumeRole"}, {"Ref": "AWS::NoValue"}]},
        ],
    }
    template = {
        "Conditions": {"Never": {"Fn::Equals": ["a", "b"]}},
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"RoleName": "DeployRoleLike", "AssumeRolePolicyDocument": trust},
            }
        },
    }
    session.client("cloudformation").create_stack(
        StackName="TrustWithNoValue", TemplateBody=json.dumps(template)
    )

    answer = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/DeployRoleLike", RoleSessionName="cdk"
    )

    assert answer["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{account}:assumed-role/DeployRoleLike/")
