"""LabBatch's array job on the emulator: 10 children of the lab's own child script, from submit to every
child SUCCEEDED, against one child alone (the children run side by side, up to maxvCpus).

The emulator gets a template shaped as the lab's (public subnet, Fargate compute environment, queue, job role,
log group, the lab's job definition and command) and the lab's input set in a bucket; each array job is
timed from SubmitJob to the parent's SUCCEEDED, as `describe-jobs` shows it.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from bench.common import Row
from labs.batch import spec
from local_aws.client import LocalAws

REPEAT = 3
POLL_S = 0.1
# the offline rehearsal of an array run: seconds, where Fargate takes minutes
ARRAY_GOAL_S = 15.0
# ten children side by side, not one after the other: at most this many times one child's wall time
PARALLEL_GOAL = 3.0
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _template(bucket: str) -> dict[str, Any]:
    cidr = "10.9.0.0/24"
    return {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": cidr}},
            "Subnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr},
            },
            "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "Association": {
                "Type": "AWS::EC2::SubnetRouteTableAssociation",
                "Properties": {"RouteTableId": {"Ref": "Table"}, "SubnetId": {"Ref": "Subnet"}},
            },
            "Gateway": {"Type": "AWS::EC2::InternetGateway"},
            "Attachment": {
                "Type": "AWS::EC2::VPCGatewayAttachment",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Gateway"}},
            },
            "Route": {
                "Type": "AWS::EC2::Route",
                "DependsOn": ["Attachment"],
                "Properties": {
                    "RouteTableId": {"Ref": "Table"},
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": {"Ref": "Gateway"},
                },
            },
            "Group": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "out", "VpcId": {"Ref": "Vpc"}},
            },
            "ComputeEnvironment": {
                "Type": "AWS::Batch::ComputeEnvironment",
                "Properties": {
                    "Type": "managed",
                    "ComputeResources": {
                        "Type": "FARGATE",
                        "MaxvCpus": spec.MAX_VCPUS,
                        "Subnets": [{"Ref": "Subnet"}],
                        "SecurityGroupIds": [{"Fn::GetAtt": ["Group", "GroupId"]}],
                    },
                },
            },
            "Queue": {
                "Type": "AWS::Batch::JobQueue",
                "Properties": {
                    "Priority": 1,
                    "ComputeEnvironmentOrder": [
                        {
                            "ComputeEnvironment": {
                                "Fn::GetAtt": ["ComputeEnvironment", "ComputeEnvironmentArn"]
                            },
                            "Order": 1,
                        }
                    ],
                },
            },
            "Logs": {"Type": "AWS::Logs::LogGroup"},
            "JobRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": TRUST}},
            "Definition": {
                "Type": "AWS::Batch::JobDefinition",
                "Properties": {
                    "Type": "container",
                    "PlatformCapabilities": ["FARGATE"],
                    "Parameters": spec.PARAMETERS,
                    "Timeout": {"AttemptDurationSeconds": spec.ATTEMPT_TIMEOUT_S},
                    "RetryStrategy": {"Attempts": spec.RETRY_ATTEMPTS},
                    "ContainerProperties": {
                        "Image": spec.IMAGE,
                        "Command": spec.child_command(),
                        "Environment": [{"Name": "BUCKET_NAME", "Value": bucket}],
                        "JobRoleArn": {"Fn::GetAtt": ["JobRole", "Arn"]},
                        "ResourceRequirements": [
                            {"Type": "VCPU", "Value": str(spec.CHILD_VCPUS)},
                            {"Type": "MEMORY", "Value": str(spec.CHILD_MEMORY_MIB)},
                        ],
                        "NetworkConfiguration": {"AssignPublicIp": "ENABLED"},
                        "RuntimePlatform": {
                            "CpuArchitecture": spec.CPU_ARCHITECTURE,
                            "OperatingSystemFamily": "LINUX",
                        },
                        "LogConfiguration": {
                            "LogDriver": "awslogs",
                            "Options": {
                                "awslogs-group": {"Ref": "Logs"},
                                "awslogs-stream-prefix": spec.LOG_STREAM_PREFIX,
                            },
                        },
                    },
                },
            },
        }
    }


def _timed_run(batch: Any, queue: str, definition: str, size: int | None) -> float:
    """Seconds from SubmitJob to SUCCEEDED of an array job of `size` children (a single job when None)."""
    extra = {"arrayProperties": {"size": size}} if size else {}
    started = time.perf_counter()
    job_id = batch.submit_job(jobName="bench", jobQueue=queue, jobDefinition=definition, **extra)["jobId"]
    while True:
        status = batch.describe_jobs(jobs=[job_id])["jobs"][0]["status"]
        if status in ("SUCCEEDED", "FAILED"):
            break
        time.sleep(POLL_S)
    if status != "SUCCEEDED":
        raise RuntimeError(f"the bench's job {job_id} FAILED, so its time is no figure")
    return time.perf_counter() - started


def measure() -> list[Row]:
    with LocalAws() as aws:
        session = aws.session()
        s3 = session.client("s3")
        bucket = "labkit-bench-batch"
        s3.create_bucket(Bucket=bucket)
        for key, text in spec.input_set().items():
            s3.put_object(Bucket=bucket, Key=key, Body=text.encode())
        cloudformation = session.client("cloudformation")
        cloudformation.create_stack(StackName="BenchBatch", TemplateBody=json.dumps(_template(bucket)))
        listed = cloudformation.list_stack_resources(StackName="BenchBatch")["StackResourceSummaries"]
        physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in listed}
        batch = session.client("batch")
        queue, definition = physical["Queue"], physical["Definition"]
        one = statistics.median(_timed_run(batch, queue, definition, None) for _ in range(REPEAT))
        ten = statistics.median(_timed_run(batch, queue, definition, spec.ARRAY_SIZE) for _ in range(REPEAT))
    ratio = ten / one
    return [
        Row(f"batch: one child of the lab's script, submit to SUCCEEDED (median of {REPEAT})", one, "s"),
        Row(
            f"batch: an offline array job of {spec.ARRAY_SIZE} children, submit to SUCCEEDED (median of "
            f"{REPEAT})",
            ten,
            "s",
            f"<= {ARRAY_GOAL_S:g} s",
            ten <= ARRAY_GOAL_S,
        ),
        Row(
            f"batch: {spec.ARRAY_SIZE} children against one, wall time (side by side under maxvCpus "
            f"{spec.MAX_VCPUS})",
            ratio,
            "x",
            f"<= {PARALLEL_GOAL:g}x",
            ratio <= PARALLEL_GOAL,
        ),
    ]
