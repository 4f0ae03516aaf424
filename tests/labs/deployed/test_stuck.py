"""The way out of a stuck stack: the resources a DELETE_FAILED delete could not remove, a bucket that would
block the next delete, the command that retains them and what it leaves; a wait for one in progress."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from labs.deployed.stuck import stuck, way_out
from labs.launcher.stuck_stacks import named_stacks
from tests.check_helpers import deploy, fail_deletion, mocked_session, physical_id, set_status

pytestmark = pytest.mark.unit
BLOCKED = "CleanerFunction: UnknownFunctionException: Function not found"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def _stack(session: boto3.Session, name: str = "alice-LabDdbStream") -> None:
    deploy(
        session,
        name,
        {
            "Cleaner": {"Type": "AWS::SQS::Queue"},
            "Output": {"Type": "AWS::S3::Bucket"},
            "Empty": {"Type": "AWS::S3::Bucket"},
        },
    )


def test_a_delete_failed_stack_gets_the_command_that_retains_what_blocks_and_what_would(
    session: boto3.Session,
) -> None:
    _stack(session)
    bucket = physical_id(session, "alice-LabDdbStream", "Output")
    for key in ("a.csv", "b.csv"):
        session.client("s3").put_object(Bucket=bucket, Key=key, Body=b"x")
    fail_deletion("alice-LabDdbStream", "Cleaner", BLOCKED, resource_type="Custom::EmptyBucketOnDelete")

    found = way_out(session, "alice-LabDdbStream", lab_id="LabDdbStream")

    assert found is not None
    assert found.command == (
        "aws cloudformation delete-stack --stack-name alice-LabDdbStream --retain-resources Cleaner Output"
    )
    line = found.line()
    assert line.startswith("alice-LabDdbStream is DELETE_FAILED: CloudFormation could not delete Cleaner ")
    assert BLOCKED in line
    assert f"bucket {bucket} with 2 object(s)" in line
    assert f"aws s3 rb s3://{bucket} --force" in line
    assert "Cleaner: nothing (a custom resource" in line
    assert "`labkit leftovers` lists what stays" in line
    assert found.hint().startswith(f"Way out: {found.command} ")


def test_a_failure_an_earlier_delete_met_is_not_a_blocker_of_the_last_one(session: boto3.Session) -> None:
    _stack(session)
    fail_deletion("alice-LabDdbStream", "Cleaner", BLOCKED, resource_type="Custom::EmptyBucketOnDelete")
    # the next delete failed on its own reason, with no resource named (a DeleteStack refused by IAM, say)
    fail_deletion(
        "alice-LabDdbStream", "alice-LabDdbStream", "AccessDenied", resource_type="AWS::CloudFormation::Stack"
    )

    found = way_out(session, "alice-LabDdbStream", lab_id="LabDdbStream")

    assert found is not None
    assert found.blockers == ()
    assert found.hint() == "fix the reason, then `cdk destroy LabDdbStream -c owner=alice` again"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            "UPDATE_ROLLBACK_FAILED",
            "CloudFormation allows only a delete now: `cdk destroy LabDdbStream -c owner=alice`",
        ),
        (
            "ROLLBACK_FAILED",
            "CloudFormation allows only a delete now: `cdk destroy LabDdbStream -c owner=alice`",
        ),
        (
            "UPDATE_IN_PROGRESS",
            "aws cloudformation wait stack-update-complete --stack-name alice-LabDdbStream",
        ),
        (
            "DELETE_IN_PROGRESS",
            "aws cloudformation wait stack-delete-complete --stack-name alice-LabDdbStream",
        ),
        (
            "ROLLBACK_IN_PROGRESS",
            "aws cloudformation wait stack-rollback-complete --stack-name alice-LabDdbStream",
        ),
    ],
)
def test_a_stack_only_a_delete_or_a_wait_helps_gets_that_answer(
    session: boto3.Session, status: str, expected: str
) -> None:
    _stack(session)
    set_status("alice-LabDdbStream", status)

    found = way_out(session, "alice-LabDdbStream", lab_id="LabDdbStream")

    assert found is not None
    assert expected in found.line()
    assert found.line().startswith(f"alice-LabDdbStream is {status}")


@pytest.mark.parametrize(
    "status", ["CREATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS"]
)
def test_a_stack_a_deploy_can_go_on_with_is_not_stuck(session: boto3.Session, status: str) -> None:
    _stack(session)
    set_status("alice-LabDdbStream", status)

    assert not stuck(status)
    assert way_out(session, "alice-LabDdbStream", lab_id="LabDdbStream") is None
    assert way_out(session, "no-such-stack") is None


def test_the_launcher_asks_about_the_stacks_the_command_names_with_their_owner(tmp_path: Path) -> None:
    named = named_stacks(["destroy", "LabDdbStream", "MyLabEc2", "--force", "-c", "owner=bob"], cwd=tmp_path)
    every = named_stacks(["deploy", "--all", "--require-approval", "never"], cwd=tmp_path)

    assert named == [("bob-LabDdbStream", "LabDdbStream"), ("bob-MyLabEc2", "LabEc2")]
    assert ("LabSpot", "LabSpot") in every
    assert all(stack == lab for stack, lab in every)
