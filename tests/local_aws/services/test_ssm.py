"""SSM parity: Session Manager's calls answer in AWS's protocol: sessions are not available here."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.emulator


def an_instance(session: boto3.Session) -> str:
    reservation = session.client("ec2").run_instances(
        ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=1, MaxCount=1
    )
    return str(reservation["Instances"][0]["InstanceId"])


def test_start_session_is_refused_with_a_clear_aws_style_error(session: boto3.Session) -> None:
    instance = an_instance(session)

    with pytest.raises(ClientError) as refused:
        session.client("ssm").start_session(Target=instance)

    error = refused.value.response["Error"]
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "TargetNotConnected"
    assert instance in error["Message"]
    assert "not available on the emulator" in error["Message"]


def test_the_other_session_calls_answer_as_for_an_account_without_sessions(session: boto3.Session) -> None:
    ssm = session.client("ssm")
    instance = an_instance(session)

    with pytest.raises(ClientError) as resumed:
        ssm.resume_session(SessionId="alice-0123456789abcdef0")

    assert ssm.describe_sessions(State="Active")["Sessions"] == []
    assert ssm.get_connection_status(Target=instance)["Status"] == "notconnected"
    session_id = "alice-0123456789abcdef0"
    assert ssm.terminate_session(SessionId=session_id)["SessionId"] == session_id
    assert resumed.value.response["Error"]["Code"] == "DoesNotExistException"
