"""A Batch lab in a template shaped as CDK writes one (lower-case `managed`, no ServiceRole, a Fargate job
definition with PlatformCapabilities, Timeout and RetryStrategy), for the emulator's Batch tests."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.local_aws.services.stacks import deploy, network

TAGS = {"labkit:lab": "LabBatch", "CostCenter": "4711"}
ECS_TASKS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def batch_lab(
    command: list[str],
    *,
    max_vcpus: int = 4,
    vcpus: str = "0.25",
    public_ip: bool = True,
    retry: dict[str, Any] | None = None,
    parameters: dict[str, str] | None = None,
    environment: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Network, Fargate compute environment, queue, log group, job role and job definition."""
    container: dict[str, Any] = {
        "Image": "public.ecr.aws/docker/library/python:3.13-slim",
        "Command": command,
        "ResourceRequirements": [{"Type": "MEMORY", "Value": "512"}, {"Type": "VCPU", "Value": vcpus}],
        "JobRoleArn": {"Fn::GetAtt": ["JobRole", "Arn"]},
        "Environment": [{"Name": k, "Value": v} for k, v in (environment or {}).items()],
        "LogConfiguration": {
            "LogDriver": "awslogs",
            "Options": {"awslogs-group": {"Ref": "Logs"}, "awslogs-stream-prefix": "child"},
        },
        "NetworkConfiguration": {"AssignPublicIp": "ENABLED" if public_ip else "DISABLED"},
        "RuntimePlatform": {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"},
    }
    definition: dict[str, Any] = {
        "Type": "container",
        "PlatformCapabilities": ["FARGATE"],
        "ContainerProperties": container,
        "Timeout": {"AttemptDurationSeconds": 120},
        "Parameters": parameters or {},
        "Tags": TAGS,
    }
    if retry is not None:
        definition["RetryStrategy"] = retry
    return {
        **network(),
        "ComputeEnvironment": {
            "Type": "AWS::Batch::ComputeEnvironment",
            "Properties": {
                "Type": "managed",
                "State": "ENABLED",
                "ComputeResources": {
                    "Type": "FARGATE",
                    "MaxvCpus": max_vcpus,
                    "Subnets": [{"Ref": "Subnet"}],
                    "SecurityGroupIds": [{"Fn::GetAtt": ["PingOnly", "GroupId"]}],
                },
                "Tags": TAGS,
            },
        },
        "Queue": {
            "Type": "AWS::Batch::JobQueue",
            "Properties": {
                "Priority": 1,
                "ComputeEnvironmentOrder": [
                    {
                        "ComputeEnvironment": {"Fn::GetAtt": ["ComputeEnvironment", "ComputeEnvironmentArn"]},
                        "Order": 1,
                    }
                ],
                "JobStateTimeLimitActions": [
                    {
                        "Action": "CANCEL",
                        "MaxTimeSeconds": 600,
                        "Reason": "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
                        "State": "RUNNABLE",
                    }
                ],
                "Tags": TAGS,
            },
        },
        "Logs": {"Type": "AWS::Logs::LogGroup"},
        "JobRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": ECS_TASKS_TRUST},
        },
        "Definition": {"Type": "AWS::Batch::JobDefinition", "Properties": definition},
    }


def deployed(session: boto3.Session, resources: dict[str, Any]) -> dict[str, str]:
    """Deploy the resources; logical id -> physical id of the stack's resources, and its id as `Stack`."""
    stack = deploy(session, resources)
    listed = session.client("cloudformation").list_stack_resources(StackName=stack)["StackResourceSummaries"]
    return {r["LogicalResourceId"]: r.get("PhysicalResourceId", "") for r in listed} | {"Stack": stack}


def python_command(code: str) -> list[str]:
    return ["python3", "-c", code]


def job_state_events(session: boto3.Session) -> str:
    """A queue that receives every Batch job state change event from the default bus; its URL."""
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName=f"batch-events-{id(session)}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = session.client("events")
    events.put_rule(
        Name=f"batch-states-{id(session)}",
        EventPattern=json.dumps({"source": ["aws.batch"], "detail-type": ["Batch Job State Change"]}),
    )
    events.put_targets(Rule=f"batch-states-{id(session)}", Targets=[{"Id": "q", "Arn": arn}])
    return str(url)


def received_states(session: boto3.Session, url: str) -> dict[str, list[str]]:
    """Job id -> the statuses its state change events carried, in the order they were sent."""
    sqs = session.client("sqs")
    found: list[tuple[int, str, str]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            break
        for message in messages:
            detail = json.loads(message["Body"])["detail"]
            found.append((len(found), detail["jobId"], detail["status"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    states: dict[str, list[str]] = {}
    for _, job_id, status in sorted(found):
        states.setdefault(job_id, []).append(status)
    return states
