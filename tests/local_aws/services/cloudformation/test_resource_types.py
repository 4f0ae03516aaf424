"""A resource type taught to moto's CloudFormation with `cloudformation_type(...)` behaves as CloudFormation's
own: created, updated in place when the type has an update (else replaced), deleted with its stack, and a
Fn::GetAtt of an attribute the type does not have is a template error. The schedule is the example here;
the FIS template and the Lambda alias are taught the same way (test_spot.py, test_versions.py)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.local_aws.services.stacks import deploy, status, update

pytestmark = pytest.mark.emulator


def schedule(expression: str, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Scheduler::Schedule",
        "Properties": {
            "ScheduleExpression": expression,
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": "arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack",
                "RoleArn": "arn:aws:iam::123456789012:role/x",
                "Input": '{"StackName": "lab"}',
            },
            **extra,
        },
    }


def physical_id(session: boto3.Session, stack: str, logical_id: str) -> str:
    resource = session.client("cloudformation").describe_stack_resource(
        StackName=stack, LogicalResourceId=logical_id
    )
    return str(resource["StackResourceDetail"]["PhysicalResourceId"])


def test_a_taught_type_with_an_update_is_changed_in_place_and_deleted_with_its_stack(
    session: boto3.Session,
) -> None:
    stack = deploy(session, {"Expiry": schedule("at(2030-01-01T08:00:00)")})
    name = physical_id(session, stack, "Expiry")

    update(session, stack, {"Expiry": schedule("at(2030-01-01T09:00:00)")})
    updated = session.client("scheduler").get_schedule(Name=name)
    kept = physical_id(session, stack, "Expiry")
    session.client("cloudformation").delete_stack(StackName=stack)

    assert status(session, stack) == "DELETE_COMPLETE"
    assert kept == name  # updated in place: the same schedule, not a replacement
    assert updated["ScheduleExpression"] == "at(2030-01-01T09:00:00)"
    listed = session.client("scheduler").list_schedules()["Schedules"]
    assert name not in [s["Name"] for s in listed]


def test_an_attribute_the_taught_type_does_not_have_is_a_template_error(session: boto3.Session) -> None:
    stack = deploy(
        session,
        {
            "Expiry": schedule("at(2030-01-01T08:00:00)"),
            "Reader": schedule("at(2030-01-02T08:00:00)", Description={"Fn::GetAtt": ["Expiry", "Nope"]}),
        },
    )

    events = session.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    assert status(session, stack) == "ROLLBACK_COMPLETE"
    assert any(
        "does not support attribute type Nope" in event.get("ResourceStatusReason", "") for event in events
    )
