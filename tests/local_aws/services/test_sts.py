"""STS parity: a role in another account is reached only when it exists there, and then acts there."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from labs.classroom.rehearsal import create_learner_role

LEARNER = "210987654321"
MISSING = "310987654321"


def test_assume_role_into_a_role_of_another_account_acts_in_that_account(session: boto3.Session) -> None:
    teacher = session.client("sts").get_caller_identity()["Account"]
    role_arn = create_learner_role(session, LEARNER, teacher_account=teacher, role="ParityTeacher")

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
