"""The items that open every report: the stack item and the expiry item, against a mocked account."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest

from labs.checks import stack_items
from labs.checks.report import CheckReport, Outcome
from labs.checks.stack_items import add_expiry_item
from labs.deployed.expiry import SCHEDULE_TYPE
from labs.deployed.stack import DeployedStack, StackResource
from labs.shared_facts import TAG_EXPIRES
from tests.check_helpers import NOW, deploy, fail_deletion, item, lab_tags, mocked_session


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    with pytest.MonkeyPatch.context() as monkeypatch, mocked_session(monkeypatch) as mocked:
        yield mocked


STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/LabEc2/x"
ROLE = "delete-lab"


def expiry_role(session: boto3.Session, name: str = ROLE, *, resource: str = STACK_ID) -> None:
    """The stack's expiry role as the lab creates it: DeleteStack on one stack, nothing more."""
    iam = session.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "cloudformation:DeleteStack", "Resource": resource}],
    }
    iam.put_role_policy(RoleName=name, PolicyName="DefaultPolicy", PolicyDocument=json.dumps(policy))


def schedule(
    session: boto3.Session,
    name: str,
    *,
    at: str = "2030-01-01T08:00:00",
    state: Any = "ENABLED",
    stack_id: str = STACK_ID,
    role: str = ROLE,
) -> None:
    session.client("scheduler").create_schedule(
        Name=name,
        ScheduleExpression=f"at({at})",
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        State=state,
        Target={
            "Arn": "arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack",
            "RoleArn": f"arn:aws:iam::123456789012:role/{role}",
            "Input": json.dumps({"StackName": stack_id}),
        },
    )


def lab_stack(
    schedule_name: str | None, tags: dict[str, str] | None = None, role: str = ROLE
) -> DeployedStack:
    resources = (
        (
            StackResource("ExpirySchedule", SCHEDULE_TYPE, schedule_name, "CREATE_COMPLETE"),
            StackResource("ExpiryDeleteStackRole", "AWS::IAM::Role", role, "CREATE_COMPLETE"),
        )
        if schedule_name
        else ()
    )
    return DeployedStack(
        name="LabEc2",
        stack_id=STACK_ID,
        status="CREATE_COMPLETE",
        tags={TAG_EXPIRES: "2030-01-01T08:00Z"} if tags is None else tags,
        resources=resources,
    )


def expiry_report(
    session: boto3.Session, stack: DeployedStack, *, on_emulator: bool = False, hours: float = 0
) -> CheckReport:
    report = CheckReport("LabEc2", stack.name)
    add_expiry_item(report, session, stack, on_emulator=on_emulator, now=NOW + timedelta(hours=hours))
    return report


@pytest.fixture(scope="module", autouse=True)
def _expiry_role(session: boto3.Session) -> None:
    expiry_role(session)


def test_an_enabled_schedule_shows_when_the_lab_deletes_itself(session: boto3.Session) -> None:
    schedule(session, "LabEc2-Expiry-ok")

    report = expiry_report(session, lab_stack("LabEc2-Expiry-ok"))

    expiry = item(report, "Auto-expiry")
    assert expiry.outcome is Outcome.PASS
    assert "deletes this stack, with a role allowed nothing else, at 2030-01-01 08:00 UTC (in 8 h 0 min)" in (
        expiry.detail
    )


def test_a_schedule_that_would_delete_another_stack_fails(session: boto3.Session) -> None:
    other = "arn:aws:cloudformation:us-east-1:123456789012:stack/bob-LabEc2/y"
    schedule(session, "LabEc2-Expiry-other", stack_id=other)

    expiry = item(expiry_report(session, lab_stack("LabEc2-Expiry-other")), "Auto-expiry")

    assert expiry.outcome is Outcome.FAIL
    assert f"its input names stack {other!r}, not this one" in expiry.detail


def test_a_schedule_whose_role_may_do_more_fails(session: boto3.Session) -> None:
    expiry_role(session, "delete-anything", resource="*")
    schedule(session, "LabEc2-Expiry-broad", role="delete-anything")

    report = expiry_report(session, lab_stack("LabEc2-Expiry-broad", role="delete-anything"))

    expiry = item(report, "Auto-expiry")
    assert expiry.outcome is Outcome.FAIL
    assert "its role delete-anything may do more than delete this stack" in expiry.detail


def test_a_schedule_running_as_a_foreign_role_fails(session: boto3.Session) -> None:
    schedule(session, "LabEc2-Expiry-foreign", role="someone-elses")

    expiry = item(expiry_report(session, lab_stack("LabEc2-Expiry-foreign")), "Auto-expiry")

    assert expiry.outcome is Outcome.FAIL
    assert "runs as role 'someone-elses', which this stack did not create" in expiry.detail


def test_a_lab_still_there_after_its_expiry_is_overdue(session: boto3.Session) -> None:
    schedule(session, "LabEc2-Expiry-late")

    report = expiry_report(session, lab_stack("LabEc2-Expiry-late"), hours=9)

    expiry = item(report, "Auto-expiry")
    assert expiry.outcome is Outcome.FAIL
    assert expiry.detail == (
        "overdue: due to delete itself at 2030-01-01 08:00 UTC (1 h 0 min ago); still here, CREATE_COMPLETE"
    )
    assert "cdk destroy LabEc2" in expiry.hint


def test_a_stack_its_expiry_failed_to_delete_is_overdue_with_the_reason_from_its_events(
    session: boto3.Session,
) -> None:
    """DeleteStack accepted, then DELETE_FAILED: Scheduler saw a success, only the stack tells why."""
    tags = lab_tags("LabEc2", "alice")
    bucket = {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": tags}}}
    deploy(session, "alice-LabEc2", bucket, tags=tags)
    fail_deletion("alice-LabEc2", "InstanceRole", "AccessDenied: not authorized to perform iam:DeleteRole")

    report, stack = stack_items.begin_report(
        "LabEc2", session, "alice-LabEc2", on_emulator=False, now=NOW + timedelta(hours=9)
    )

    assert stack is None
    assert item(report, "Stack deployed").outcome is Outcome.FAIL
    overdue = item(report, "Auto-expiry")
    assert overdue.outcome is Outcome.FAIL
    assert overdue.detail == (
        "overdue: due to delete itself at 2030-01-01 08:00 UTC (1 h 0 min ago); still here, DELETE_FAILED: "
        "InstanceRole: AccessDenied: not authorized to perform iam:DeleteRole"
    )
    assert "then `cdk destroy LabEc2 -c owner=alice`" in overdue.hint


def test_a_stack_failing_to_delete_before_its_expiry_is_not_overdue(session: boto3.Session) -> None:
    tags = lab_tags("LabEc2", "early")
    bucket = {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": tags}}}
    deploy(session, "early-LabEc2", bucket, tags=tags)
    fail_deletion(
        "early-LabEc2",
        "Bucket",
        "The bucket you tried to delete is not empty",
        resource_type="AWS::S3::Bucket",
    )

    report, _stack = stack_items.begin_report("LabEc2", session, "early-LabEc2", on_emulator=False, now=NOW)

    assert [i.name for i in report.items] == ["Stack deployed"]
    # the way out: the stack goes without the bucket, which stays for the learner to empty and delete
    assert report.items[0].hint.startswith(
        "Way out: aws cloudformation delete-stack --stack-name early-LabEc2 --retain-resources Bucket "
    )


def test_the_role_may_also_report_to_the_stacks_own_dead_letter_queue(session: boto3.Session) -> None:
    queue = "LabEc2-ExpiryDeadLetters-XYZ"
    expiry_role(session, "delete-and-report")
    session.client("iam").put_role_policy(
        RoleName="delete-and-report",
        PolicyName="DeadLetters",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sqs:SendMessage",
                        "Resource": f"arn:aws:sqs:us-east-1:123456789012:{queue}",
                    }
                ],
            }
        ),
    )
    schedule(session, "LabEc2-Expiry-dlq", role="delete-and-report")
    url = f"https://sqs.us-east-1.amazonaws.com/123456789012/{queue}"
    stack = lab_stack("LabEc2-Expiry-dlq", role="delete-and-report")
    own_queue = dataclasses.replace(
        stack,
        resources=(
            *stack.resources,
            StackResource("ExpiryDeadLetters1234", "AWS::SQS::Queue", url, "CREATE_COMPLETE"),
        ),
    )

    assert item(expiry_report(session, own_queue), "Auto-expiry").outcome is Outcome.PASS
    # the same grant on a queue the stack does not own is more than the expiry needs
    foreign = item(expiry_report(session, stack), "Auto-expiry")
    assert foreign.outcome is Outcome.FAIL
    assert "may do more than delete this stack and report to its dead-letter queue" in foreign.detail


def test_a_disabled_schedule_fails(session: boto3.Session) -> None:
    schedule(session, "LabEc2-Expiry-off", state="DISABLED")

    report = expiry_report(session, lab_stack("LabEc2-Expiry-off"))

    assert item(report, "Auto-expiry").outcome is Outcome.FAIL
    assert "DISABLED, so the lab will not delete itself" in item(report, "Auto-expiry").detail


def test_a_missing_schedule_fails_on_aws_and_shows_the_tagged_time_on_the_emulator(
    session: boto3.Session,
) -> None:
    on_aws = expiry_report(session, lab_stack("LabEc2-Expiry-gone"))
    on_emulator = expiry_report(session, lab_stack("LabEc2-Expiry-gone"), on_emulator=True)

    assert item(on_aws, "Auto-expiry").outcome is Outcome.FAIL
    assert "ResourceNotFoundException" in item(on_aws, "Auto-expiry").detail
    assert item(on_emulator, "Auto-expiry").outcome is Outcome.SKIPPED
    assert (
        "expires at 2030-01-01 08:00 UTC (in 8 h 0 min) per the stack tags"
        in item(on_emulator, "Auto-expiry").detail
    )


def test_without_stack_tags_the_expiry_comes_from_the_template(session: boto3.Session) -> None:
    resources = {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": lab_tags("LabEc2")}}}
    deploy(session, "templated-LabEc2", resources)  # no stack-level tags, as the emulator shows them

    report, stack = stack_items.begin_report("LabEc2", session, "templated-LabEc2", on_emulator=True, now=NOW)

    assert stack is not None
    assert "in 8 h 0 min) per the template tags" in item(report, "Auto-expiry").detail


def test_a_lab_deployed_without_expiry_says_so(session: boto3.Session) -> None:
    tags = lab_tags("LabEc2", expires=None)
    deploy(
        session,
        "forever-LabEc2",
        {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": tags}}},
        tags=tags,
    )

    report, _stack = stack_items.begin_report("LabEc2", session, "forever-LabEc2", on_emulator=False, now=NOW)

    assert [i.name for i in report.items] == ["Stack deployed"]
    assert report.notes == [
        "This lab never expires (deployed with ttlHours=0): `cdk destroy LabEc2 -c owner=forever` when done."
    ]


@pytest.mark.parametrize(
    ("stack_name", "command"),
    [
        ("LabEc2", "labkit emulator expire LabEc2"),
        ("alice-LabEc2", "labkit emulator expire LabEc2 --owner alice"),
        ("MyLabEc2", "labkit emulator expire LabEc2 --stack MyLabEc2"),
        ("alice-MyLabEc2", "labkit emulator expire LabEc2 --stack alice-MyLabEc2"),
    ],
)
def test_on_the_emulator_the_expiry_names_the_command_that_fires_this_very_stack(
    session: boto3.Session, stack_name: str, command: str
) -> None:
    schedule(session, f"{stack_name}-Expiry-now")
    stack = dataclasses.replace(lab_stack(f"{stack_name}-Expiry-now"), name=stack_name)

    detail = item(expiry_report(session, stack, on_emulator=True), "Auto-expiry").detail

    assert f"`{command}` fires it now" in detail
