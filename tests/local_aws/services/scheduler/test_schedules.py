"""Scheduler parity: a stack's expiry schedule is seen by the Scheduler API, and its Arn is a stack output."""

from __future__ import annotations

import boto3

from tests.local_aws.services.stacks import deploy


def test_the_expiry_schedule_exists_through_the_scheduler_api_until_its_stack_is_deleted(
    session: boto3.Session,
) -> None:
    target = {
        "Arn": "arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack",
        "RoleArn": "arn:aws:iam::123456789012:role/x",
    }
    stack = deploy(
        session,
        {
            "Expiry": {
                "Type": "AWS::Scheduler::Schedule",
                "Properties": {
                    "ScheduleExpression": "at(2030-01-01T08:00:00)",
                    "ScheduleExpressionTimezone": "UTC",
                    "FlexibleTimeWindow": {"Mode": "OFF"},
                    "Target": {**target, "Input": '{"StackName": "lab"}'},
                },
            }
        },
        outputs={"ScheduleArn": {"Value": {"Fn::GetAtt": ["Expiry", "Arn"]}}},
    )
    scheduler = session.client("scheduler")
    name = session.client("cloudformation").describe_stack_resource(
        StackName=stack, LogicalResourceId="Expiry"
    )["StackResourceDetail"]["PhysicalResourceId"]
    schedule = scheduler.get_schedule(Name=name)
    outputs = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]

    session.client("cloudformation").delete_stack(StackName=stack)

    assert schedule["ScheduleExpression"] == "at(2030-01-01T08:00:00)"
    assert schedule["Target"]["Arn"] == target["Arn"]
    assert schedule["Target"]["RoleArn"] == target["RoleArn"]
    assert outputs == [{"OutputKey": "ScheduleArn", "OutputValue": schedule["Arn"]}]
    assert name not in [s["Name"] for s in scheduler.list_schedules()["Schedules"]]
