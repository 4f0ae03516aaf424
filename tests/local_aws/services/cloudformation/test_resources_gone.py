"""CloudFormation parity: a resource the learner deleted by hand counts as deleted when its stack is deleted.

One case per resource type the four labs create: a small stack holding it, the resource deleted through its
own API, then DeleteStack, which must end DELETE_COMPLETE as on AWS (not DELETE_FAILED on a NotFound).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from tests.local_aws.services.stacks import deploy, status

pytestmark = pytest.mark.emulator
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
IMAGE = "ami-12c6146b"
Clients = Callable[[str], Any]
# (clients, stack resources by logical id: physical id, and the whole summary) -> None
HandDelete = Callable[[Clients, dict[str, str]], None]


@dataclass(frozen=True)
class GoneCase:
    resources: dict[str, Any]
    target: str  # the logical id deleted by hand
    delete: HandDelete


def role() -> dict[str, Any]:
    return {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": TRUST}}


def function() -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.13",
            "Handler": "index.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            "Code": {"ZipFile": "def handler(event, context):\n    return None\n"},
        },
    }


def vpc() -> dict[str, Any]:
    return {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.20.0.0/24"}}


def subnet() -> dict[str, Any]:
    return {
        "Type": "AWS::EC2::Subnet",
        "Properties": {
            "VpcId": {"Ref": "Vpc"},
            "CidrBlock": "10.20.0.0/24",
            "AvailabilityZone": "us-east-1a",
        },
    }


def launch_template() -> dict[str, Any]:
    return {
        "Type": "AWS::EC2::LaunchTemplate",
        "Properties": {"LaunchTemplateData": {"ImageId": IMAGE, "InstanceType": "t3.micro"}},
    }


def table(*, stream: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if stream:
        properties["StreamSpecification"] = {"StreamViewType": "NEW_IMAGE"}
    return {"Type": "AWS::DynamoDB::Table", "Properties": properties}


def instance_profile_gone(aws: Clients, ids: dict[str, str]) -> None:
    aws("iam").remove_role_from_instance_profile(InstanceProfileName=ids["Profile"], RoleName=ids["Role"])
    aws("iam").delete_instance_profile(InstanceProfileName=ids["Profile"])


def association_gone(aws: Clients, ids: dict[str, str]) -> None:
    tables = aws("ec2").describe_route_tables(RouteTableIds=[ids["Table"]])["RouteTables"]
    for association in tables[0]["Associations"]:
        aws("ec2").disassociate_route_table(AssociationId=association["RouteTableAssociationId"])


def address_gone(aws: Clients, ids: dict[str, str]) -> None:
    (address,) = aws("ec2").describe_addresses(PublicIps=[ids["Address"]])["Addresses"]
    aws("ec2").release_address(AllocationId=address["AllocationId"])


def schedule_gone(aws: Clients, ids: dict[str, str]) -> None:
    aws("scheduler").delete_schedule(Name=ids["Schedule"].split("|")[-1].split("/")[-1])


CASES: dict[str, GoneCase] = {
    "AWS::Lambda::Function": GoneCase(
        {"Role": role(), "Function": function()},
        "Function",
        lambda aws, ids: aws("lambda").delete_function(FunctionName=ids["Function"]),
    ),
    "AWS::Lambda::EventSourceMapping": GoneCase(
        {
            "Role": role(),
            "Function": function(),
            "Table": table(stream=True),
            "Mapping": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "FunctionName": {"Ref": "Function"},
                    "EventSourceArn": {"Fn::GetAtt": ["Table", "StreamArn"]},
                    "StartingPosition": "TRIM_HORIZON",
                },
            },
        },
        "Mapping",
        lambda aws, ids: aws("lambda").delete_event_source_mapping(UUID=ids["Mapping"]),
    ),
    "AWS::DynamoDB::Table": GoneCase(
        {"Table": table()}, "Table", lambda aws, ids: aws("dynamodb").delete_table(TableName=ids["Table"])
    ),
    "AWS::S3::Bucket": GoneCase(
        {"Bucket": {"Type": "AWS::S3::Bucket"}},
        "Bucket",
        lambda aws, ids: aws("s3").delete_bucket(Bucket=ids["Bucket"]),
    ),
    "AWS::SQS::Queue": GoneCase(
        {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Queue",
        lambda aws, ids: aws("sqs").delete_queue(QueueUrl=ids["Queue"]),
    ),
    "AWS::Logs::LogGroup": GoneCase(
        {"Logs": {"Type": "AWS::Logs::LogGroup"}},
        "Logs",
        lambda aws, ids: aws("logs").delete_log_group(logGroupName=ids["Logs"]),
    ),
    "AWS::StepFunctions::StateMachine": GoneCase(
        {
            "Role": role(),
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                    "DefinitionString": json.dumps(
                        {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
                    ),
                },
            },
        },
        "Machine",
        lambda aws, ids: aws("stepfunctions").delete_state_machine(stateMachineArn=ids["Machine"]),
    ),
    "AWS::Scheduler::Schedule": GoneCase(
        {
            "Role": role(),
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Schedule": {
                "Type": "AWS::Scheduler::Schedule",
                "Properties": {
                    "ScheduleExpression": "at(2099-01-01T00:00:00)",
                    "FlexibleTimeWindow": {"Mode": "OFF"},
                    "Target": {
                        "Arn": {"Fn::GetAtt": ["Queue", "Arn"]},
                        "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                    },
                },
            },
        },
        "Schedule",
        schedule_gone,
    ),
    "AWS::IAM::Role": GoneCase(
        {"Role": role()}, "Role", lambda aws, ids: aws("iam").delete_role(RoleName=ids["Role"])
    ),
    "AWS::IAM::Policy": GoneCase(
        {
            "Role": role(),
            "Policy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyName": "lab-policy",
                    "Roles": [{"Ref": "Role"}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}],
                    },
                },
            },
        },
        "Policy",
        lambda aws, ids: aws("iam").delete_role_policy(RoleName=ids["Role"], PolicyName="lab-policy"),
    ),
    "AWS::IAM::InstanceProfile": GoneCase(
        {
            "Role": role(),
            "Profile": {"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "Role"}]}},
        },
        "Profile",
        instance_profile_gone,
    ),
    "AWS::EC2::Instance": GoneCase(
        {
            "Instance": {
                "Type": "AWS::EC2::Instance",
                "Properties": {"ImageId": IMAGE, "InstanceType": "t3.micro"},
            }
        },
        "Instance",
        lambda aws, ids: aws("ec2").terminate_instances(InstanceIds=[ids["Instance"]]),
    ),
    "AWS::EC2::EIP": GoneCase(
        {"Address": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}}}, "Address", address_gone
    ),
    "AWS::EC2::VPC": GoneCase(
        {"Vpc": vpc()}, "Vpc", lambda aws, ids: aws("ec2").delete_vpc(VpcId=ids["Vpc"])
    ),
    "AWS::EC2::Subnet": GoneCase(
        {"Vpc": vpc(), "Subnet": subnet()},
        "Subnet",
        lambda aws, ids: aws("ec2").delete_subnet(SubnetId=ids["Subnet"]),
    ),
    "AWS::EC2::RouteTable": GoneCase(
        {"Vpc": vpc(), "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}}},
        "Table",
        lambda aws, ids: aws("ec2").delete_route_table(RouteTableId=ids["Table"]),
    ),
    "AWS::EC2::SubnetRouteTableAssociation": GoneCase(
        {
            "Vpc": vpc(),
            "Subnet": subnet(),
            "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "Association": {
                "Type": "AWS::EC2::SubnetRouteTableAssociation",
                "Properties": {"RouteTableId": {"Ref": "Table"}, "SubnetId": {"Ref": "Subnet"}},
            },
        },
        "Association",
        association_gone,
    ),
    "AWS::EC2::InternetGateway": GoneCase(
        {"Gateway": {"Type": "AWS::EC2::InternetGateway"}},
        "Gateway",
        lambda aws, ids: aws("ec2").delete_internet_gateway(InternetGatewayId=ids["Gateway"]),
    ),
    "AWS::EC2::VPCGatewayAttachment": GoneCase(
        {
            "Vpc": vpc(),
            "Gateway": {"Type": "AWS::EC2::InternetGateway"},
            "Attachment": {
                "Type": "AWS::EC2::VPCGatewayAttachment",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Gateway"}},
            },
        },
        "Attachment",
        lambda aws, ids: aws("ec2").detach_internet_gateway(
            InternetGatewayId=ids["Gateway"], VpcId=ids["Vpc"]
        ),
    ),
    "AWS::EC2::Route": GoneCase(
        {
            "Vpc": vpc(),
            "Gateway": {"Type": "AWS::EC2::InternetGateway"},
            "Attachment": {
                "Type": "AWS::EC2::VPCGatewayAttachment",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Gateway"}},
            },
            "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "Route": {
                "Type": "AWS::EC2::Route",
                "DependsOn": ["Attachment"],
                "Properties": {
                    "RouteTableId": {"Ref": "Table"},
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": {"Ref": "Gateway"},
                },
            },
        },
        "Route",
        lambda aws, ids: aws("ec2").delete_route(RouteTableId=ids["Table"], DestinationCidrBlock="0.0.0.0/0"),
    ),
    "AWS::EC2::SecurityGroup": GoneCase(
        {
            "Vpc": vpc(),
            "Group": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "ping only", "VpcId": {"Ref": "Vpc"}},
            },
        },
        "Group",
        lambda aws, ids: aws("ec2").delete_security_group(GroupId=ids["Group"]),
    ),
    "AWS::EC2::LaunchTemplate": GoneCase(
        {"Template": launch_template()},
        "Template",
        lambda aws, ids: aws("ec2").delete_launch_template(LaunchTemplateId=ids["Template"]),
    ),
    "AWS::AutoScaling::AutoScalingGroup": GoneCase(
        {
            "Vpc": vpc(),
            "Subnet": subnet(),
            "Template": launch_template(),
            "Group": {
                "Type": "AWS::AutoScaling::AutoScalingGroup",
                "Properties": {
                    "MinSize": "0",
                    "MaxSize": "1",
                    "DesiredCapacity": "1",
                    "VPCZoneIdentifier": [{"Ref": "Subnet"}],
                    "LaunchTemplate": {
                        "LaunchTemplateId": {"Ref": "Template"},
                        "Version": {"Fn::GetAtt": ["Template", "LatestVersionNumber"]},
                    },
                },
            },
        },
        "Group",
        lambda aws, ids: aws("autoscaling").delete_auto_scaling_group(
            AutoScalingGroupName=ids["Group"], ForceDelete=True
        ),
    ),
}


def stack_resources(session: boto3.Session, stack: str) -> dict[str, str]:
    summaries = session.client("cloudformation").list_stack_resources(StackName=stack)[
        "StackResourceSummaries"
    ]
    return {summary["LogicalResourceId"]: summary["PhysicalResourceId"] for summary in summaries}


@pytest.mark.parametrize("resource_type", sorted(CASES))
def test_a_resource_deleted_by_hand_counts_as_deleted_when_its_stack_is_deleted(
    session: boto3.Session, resource_type: str
) -> None:
    case = CASES[resource_type]
    stack = deploy(session, case.resources)
    ids = stack_resources(session, stack)
    assert (status(session, stack), case.target in ids) == ("CREATE_COMPLETE", True)
    case.delete(session.client, ids)

    cloudformation = session.client("cloudformation")
    cloudformation.delete_stack(StackName=stack)

    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
    reasons = [e.get("ResourceStatusReason") for e in events if e["ResourceStatus"] == "DELETE_FAILED"]
    assert (described["StackStatus"], reasons) == ("DELETE_COMPLETE", [])
