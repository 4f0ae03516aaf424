"""Time travel for the expiry: a schedule fires on demand, with its own role, and fails where AWS fails."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from local_aws.client import EmulatorCallError, LocalAws, fire_schedule

DELETE_STACK_TARGET = "arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack"
SCHEDULER_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def role(session: boto3.Session, statements: list[dict[str, str]], *, trust: dict | None = None) -> str:
    iam = session.client("iam")
    name = f"role-{uuid.uuid4().hex[:8]}"
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust or SCHEDULER_TRUST))[
        "Role"
    ]["Arn"]
    if statements:
        policy = {"Version": "2012-10-17", "Statement": statements}
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return str(arn)


def confused_deputy_trust(source_arn: str) -> dict[str, object]:
    """The lab's expiry trust: Scheduler, for schedules of this account and of one schedule group."""
    condition = {"StringEquals": {"aws:SourceAccount": "123456789012", "aws:SourceArn": source_arn}}
    return {
        "Version": "2012-10-17",
        "Statement": [{**SCHEDULER_TRUST["Statement"][0], "Condition": condition}],  # type: ignore[index]
    }


def lab(
    session: boto3.Session,
    *,
    service_role: bool,
    statements: list[dict[str, str]] | None = None,
    trust: dict[str, object] | None = None,
) -> tuple[str, str, str]:
    """A stack (with or without a service role), a schedule deleting it: (stack id, schedule, queue)."""
    cloudformation = session.client("cloudformation")
    name = f"lab-{uuid.uuid4().hex[:8]}"
    options = (
        {"RoleARN": role(session, [{"Effect": "Allow", "Action": "*", "Resource": "*"}])}
        if service_role
        else {}
    )
    stack_id = cloudformation.create_stack(
        StackName=name,
        TemplateBody=json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}),
        **options,
    )["StackId"]
    sqs = session.client("sqs")
    dead_letters = sqs.create_queue(QueueName=f"dlq-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    allowed = (
        statements
        if statements is not None
        else [{"Effect": "Allow", "Action": "cloudformation:DeleteStack", "Resource": stack_id}]
    )
    schedule = f"expiry-{uuid.uuid4().hex[:8]}"
    session.client("scheduler").create_schedule(
        Name=schedule,
        ScheduleExpression="at(2099-01-01T00:00:00)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": DELETE_STACK_TARGET,
            "RoleArn": role(session, allowed, trust=trust),
            "Input": json.dumps({"StackName": stack_id}),
            "DeadLetterConfig": {"Arn": dlq_arn},
        },
    )
    return stack_id, schedule, dead_letters


def status(session: boto3.Session, stack_id: str) -> str:
    return str(
        session.client("cloudformation").describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
    )


def test_a_schedule_whose_role_may_delete_the_stack_deletes_it_with_the_stack_service_role(
    local_aws: LocalAws, session: boto3.Session
) -> None:
    stack_id, schedule, _ = lab(session, service_role=True)

    answer = fire_schedule(local_aws.endpoint, schedule, credentials=local_aws.credentials)

    assert answer.outcome == "deleted"
    assert status(session, stack_id) == "DELETE_COMPLETE"


def test_without_a_service_role_a_delete_stack_only_role_fails_every_delete(
    local_aws: LocalAws, session: boto3.Session
) -> None:
    stack_id, schedule, _ = lab(session, service_role=False)

    answer = fire_schedule(local_aws.endpoint, schedule, credentials=local_aws.credentials)

    events = session.client("cloudformation").describe_stack_events(StackName=stack_id)["StackEvents"]
    assert answer.outcome == "delete failed"
    assert status(session, stack_id) == "DELETE_FAILED"
    assert any("sqs:DeleteQueue" in event.get("ResourceStatusReason", "") for event in events)


def test_a_role_that_may_not_delete_the_stack_fails_the_target_into_the_dead_letter_queue(
    local_aws: LocalAws, session: boto3.Session
) -> None:
    stack_id, schedule, queue = lab(session, service_role=True, statements=[])

    answer = fire_schedule(local_aws.endpoint, schedule, credentials=local_aws.credentials)

    assert answer.outcome == "target failed"
    assert "AccessDenied" in answer.detail
    assert status(session, stack_id) == "CREATE_COMPLETE"
    sqs = session.client("sqs")
    message = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"])["Messages"][0]
    assert message["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "AccessDenied"
    assert json.loads(message["Body"]) == {"StackName": stack_id}


def test_an_unknown_schedule_is_a_clear_error(local_aws: LocalAws) -> None:
    with pytest.raises(EmulatorCallError, match="refused schedules/fire"):
        fire_schedule(local_aws.endpoint, "no-such-schedule", credentials=local_aws.credentials)


def test_a_schedule_fires_by_itself_when_its_time_comes(session: boto3.Session) -> None:
    stack_id, schedule, _ = lab(session, service_role=True)
    scheduler = session.client("scheduler")
    current = scheduler.get_schedule(Name=schedule)
    soon = datetime.now(UTC) + timedelta(seconds=2)

    # as the demo's --aws rehearsal does on a real account: the lab's own schedule, moved ahead (no State)
    scheduler.update_schedule(
        Name=schedule,
        ScheduleExpression=f"at({soon:%Y-%m-%dT%H:%M:%S})",
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow=current["FlexibleTimeWindow"],
        Target=current["Target"],
    )
    for _ in range(40):
        if status(session, stack_id) == "DELETE_COMPLETE":
            break
        time.sleep(0.25)

    assert status(session, stack_id) == "DELETE_COMPLETE"


def test_the_kits_trust_for_the_default_schedule_group_lets_scheduler_delete_the_stack(
    local_aws: LocalAws, session: boto3.Session
) -> None:
    default_group = "arn:aws:scheduler:us-east-1:123456789012:schedule-group/default"
    stack_id, schedule, _ = lab(session, service_role=True, trust=confused_deputy_trust(default_group))

    answer = fire_schedule(local_aws.endpoint, schedule, credentials=local_aws.credentials)

    assert answer.outcome == "deleted"
    assert status(session, stack_id) == "DELETE_COMPLETE"


def test_a_trust_for_another_schedule_group_is_refused_as_aws_refuses_it(
    local_aws: LocalAws, session: boto3.Session
) -> None:
    """Scheduler assumes the role with the schedule's group as aws:SourceArn: another group's is no match."""
    other_group = "arn:aws:scheduler:us-east-1:123456789012:schedule-group/someone-elses"
    stack_id, schedule, _ = lab(session, service_role=True, trust=confused_deputy_trust(other_group))

    answer = fire_schedule(local_aws.endpoint, schedule, credentials=local_aws.credentials)

    assert answer.outcome == "target failed"
    assert "does not trust scheduler.amazonaws.com for a schedule of" in answer.detail
    assert status(session, stack_id) == "CREATE_COMPLETE"
