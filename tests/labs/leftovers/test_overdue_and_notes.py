"""`labkit leftovers` on a real account's harder cases: owners' stacks, overdue labs, the region, and the
account-level items a lab changes that are known and free (notes, never leftovers)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest

from labs.cli import main
from labs.deployed.session import new_session
from labs.leftovers.scan import scan_leftovers
from tests.check_helpers import ACCOUNT, NOW, deploy, fail_deletion, lab_tags, mocked_session


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def test_an_owners_stack_is_destroyed_with_the_owner_in_the_command(session: boto3.Session) -> None:
    """`cdk destroy LabAsg` would look for stack LabAsg, find none, and "succeed" deleting nothing."""
    tags = lab_tags("LabAsg", "alice")
    deploy(
        session,
        "alice-LabAsg",
        {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"Tags": tags}}},
        tags=tags,
    )

    (stack,) = scan_leftovers(session, owner="alice", now=NOW)

    assert stack.reason == "still deployed (CREATE_COMPLETE): cdk destroy LabAsg -c owner=alice"
    # past its expiry time, the same stack is overdue: the schedule never deleted it
    (late,) = scan_leftovers(session, owner="alice", now=NOW + timedelta(hours=8, minutes=5))
    assert late.reason == (
        "overdue: due to delete itself at 2030-01-01 08:00 UTC (5 min ago); still here, CREATE_COMPLETE; "
        "cdk destroy LabAsg -c owner=alice"
    )


def test_a_lab_its_expiry_failed_to_delete_is_overdue_with_the_reason_from_its_events(
    session: boto3.Session,
) -> None:
    """DeleteStack accepted, then DELETE_FAILED: no dead-letter queue hears of it, the scan must say so."""
    tags = lab_tags("LabEc2", "alice")
    deploy(
        session,
        "alice-LabEc2",
        {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"Tags": tags}}},
        tags=tags,
    )
    fail_deletion("alice-LabEc2", "InstanceRole", "AccessDenied: not authorized to perform iam:DeleteRole")

    found = {
        (f.resource_type, f.identifier): f.reason
        for f in scan_leftovers(session, now=NOW + timedelta(hours=9))
    }

    assert found[("AWS::CloudFormation::Stack", "alice-LabEc2")] == (
        "overdue: due to delete itself at 2030-01-01 08:00 UTC (1 h 0 min ago); still here, DELETE_FAILED: "
        "InstanceRole: AccessDenied: not authorized to perform iam:DeleteRole; fix the reason, then "
        "cdk destroy LabEc2 -c owner=alice"
    )
    assert any(reason.startswith("still in stack alice-LabEc2, which failed") for reason in found.values())
    # before its expiry time the same stack is a failed destroy, not an overdue lab
    before = {f.identifier: f.reason for f in scan_leftovers(session, now=NOW)}
    assert before["alice-LabEc2"].startswith("DELETE_FAILED: ")


def log_delivery_policy(session: boto3.Session) -> None:
    """What Step Functions' logging leaves in the account: CloudWatch Logs' log-delivery resource policy."""
    statement = {
        "Sid": "AWSLogDeliveryWrite20150319",
        "Effect": "Allow",
        "Principal": {"Service": ["delivery.logs.amazonaws.com"]},
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/vendedlogs/*:log-stream:*"],
    }
    session.client("logs").put_resource_policy(
        policyName="AWSLogDeliveryWrite20150319",
        policyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )


def test_the_log_delivery_policy_is_noted_as_known_and_free_never_a_leftover(
    session: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    log_delivery_policy(session)

    assert scan_leftovers(session) == []  # what `make demo` counts: the policy never fails it
    assert main(["leftovers"]) == 0
    out = capsys.readouterr().out
    assert "Known, not a leftover: AWS::Logs::ResourcePolicy AWSLogDeliveryWrite20150319" in out
    assert "free" in out
    assert out.rstrip().endswith("Nothing left behind by the labs (any owner).")
    assert main(["leftovers", "LabEc2"]) == 0
    assert "AWSLogDeliveryWrite20150319" not in capsys.readouterr().out


def test_labkit_leftovers_scans_the_region_aws_region_names(
    session: boto3.Session, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    west = new_session(region_name="eu-west-1").client("ec2")
    tagged = [{"ResourceType": "volume", "Tags": lab_tags("LabEc2")}]
    volume = west.create_volume(AvailabilityZone="eu-west-1a", Size=1, TagSpecifications=tagged)["VolumeId"]
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # AWS_DEFAULT_REGION stays us-east-1

    assert main(["leftovers", "LabEc2"]) == 1
    assert volume in capsys.readouterr().out


def test_batchs_service_linked_role_is_noted_as_known_and_free_never_a_leftover(
    session: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    iam = session.client("iam")
    role = iam.create_role(
        RoleName="AWSServiceRoleForBatch",
        Path="/aws-service-role/batch.amazonaws.com/",
        AssumeRolePolicyDocument="{}",
    )["Role"]["RoleName"]

    assert scan_leftovers(session, lab_id="LabBatch") == []
    assert main(["leftovers", "LabBatch"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # as read, not as the terminal wrapped it
    assert f"Known, not a leftover: AWS::IAM::Role {role}, account-level, free" in out
    assert "the service-linked role LabBatch use(s)" in out
    assert main(["leftovers", "LabEc2"]) == 0
    assert role not in capsys.readouterr().out
    iam.delete_role(RoleName=role)
