"""Each AWS parity fix does what it says, seen through boto3 against the kit's emulator."""

from __future__ import annotations

import importlib.metadata
import json
import time
import uuid
from typing import Any

import boto3
import pytest

from labs.emulator import parity
from labs.emulator.parity import PARITY_FIXES, ParityError, deletion_order

STATE_MACHINE = {
    "StartAt": "Done",
    "States": {"Done": {"Type": "Pass", "Result": {"written": True}, "End": True}},
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def deploy(session: boto3.Session, resources: dict[str, Any], outputs: dict[str, Any] | None = None) -> str:
    """Create a stack the way the CDK CLI does (a change set); returns its id, which outlives the delete."""
    cloudformation = session.client("cloudformation")
    name = unique("parity")
    template = {"Resources": resources, **({"Outputs": outputs} if outputs else {})}
    stack_id = cloudformation.create_change_set(
        StackName=name, ChangeSetName="deploy", ChangeSetType="CREATE", TemplateBody=json.dumps(template)
    )["StackId"]
    cloudformation.execute_change_set(StackName=name, ChangeSetName="deploy")
    return str(stack_id)


def status(session: boto3.Session, stack: str) -> str:
    stacks = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    return str(stacks[0]["StackStatus"])


def network(cidr: str = "10.1.0.0/24") -> dict[str, Any]:
    """A public subnet the way the lab VPC builds it: route table, internet gateway, default route."""
    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": cidr}},
        "Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": "us-east-1a"},
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
        "DefaultRoute": {
            "Type": "AWS::EC2::Route",
            "DependsOn": ["Attachment"],
            "Properties": {
                "RouteTableId": {"Ref": "Table"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": {"Ref": "Gateway"},
            },
        },
        "PingOnly": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "ping only", "VpcId": {"Ref": "Vpc"}},
        },
    }


def instance_with_volume_and_address() -> dict[str, Any]:
    tags = [{"Key": "labkit:lab", "Value": "LabEc2"}]
    return {
        "Instance": {
            "Type": "AWS::EC2::Instance",
            "Properties": {
                "ImageId": "ami-12c6146b",
                "InstanceType": "t4g.nano",
                "SubnetId": {"Ref": "Subnet"},
                "SecurityGroupIds": [{"Fn::GetAtt": ["PingOnly", "GroupId"]}],
            },
        },
        "Data": {
            "Type": "AWS::EC2::Volume",
            "Properties": {
                "AvailabilityZone": "us-east-1a",
                "Size": 1,
                "VolumeType": "gp3",
                "Encrypted": True,
                "Tags": tags,
            },
        },
        "DataAttachment": {
            "Type": "AWS::EC2::VolumeAttachment",
            "Properties": {
                "Device": "/dev/sdf",
                "InstanceId": {"Ref": "Instance"},
                "VolumeId": {"Ref": "Data"},
            },
        },
        "Address": {
            "Type": "AWS::EC2::EIP",
            "DependsOn": ["Attachment"],
            "Properties": {"Domain": "vpc", "InstanceId": {"Ref": "Instance"}, "Tags": tags},
        },
    }


def ec2_inventory(session: boto3.Session, vpc_id: str) -> dict[str, list[str]]:
    ec2 = session.client("ec2")
    in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    return {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs(Filters=in_vpc)["Vpcs"]],
        "route tables": [t["RouteTableId"] for t in ec2.describe_route_tables(Filters=in_vpc)["RouteTables"]],
        "interfaces": [
            n["NetworkInterfaceId"]
            for n in ec2.describe_network_interfaces(Filters=in_vpc)["NetworkInterfaces"]
        ],
        "gateways": [
            g["InternetGatewayId"]
            for g in ec2.describe_internet_gateways(
                Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}]
            )["InternetGateways"]
        ],
    }


def test_an_instance_stack_is_created_as_written_and_deleted_without_leaving_anything(
    session: boto3.Session,
) -> None:
    stack = deploy(session, {**network(), **instance_with_volume_and_address()})
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in session.client("cloudformation").list_stack_resources(StackName=stack)[
            "StackResourceSummaries"
        ]
    }
    ec2 = session.client("ec2")
    instance = ec2.describe_instances(InstanceIds=[resources["Instance"]])["Reservations"][0]["Instances"][0]
    volume = ec2.describe_volumes(VolumeIds=[resources["Data"]])["Volumes"][0]
    address = ec2.describe_addresses(PublicIps=[resources["Address"]])["Addresses"][0]
    assert [group["GroupId"] for group in instance["SecurityGroups"]] == [resources["PingOnly"]]
    assert (volume["Encrypted"], volume["VolumeType"]) == (True, "gp3")
    assert {"Key": "labkit:lab", "Value": "LabEc2"} in volume["Tags"]
    assert {"Key": "labkit:lab", "Value": "LabEc2"} in address["Tags"]

    session.client("cloudformation").delete_stack(StackName=stack)

    assert status(session, stack) == "DELETE_COMPLETE"
    assert ec2_inventory(session, resources["Vpc"]) == {
        "vpcs": [],
        "route tables": [],
        "interfaces": [],
        "gateways": [],
    }
    assert (
        ec2.describe_volumes(Filters=[{"Name": "volume-id", "Values": [resources["Data"]]}])["Volumes"] == []
    )
    assert (
        ec2.describe_addresses(Filters=[{"Name": "public-ip", "Values": [resources["Address"]]}])["Addresses"]
        == []
    )


def test_a_terminated_instance_takes_its_launch_interface_with_it(session: boto3.Session) -> None:
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/24")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.0.0/24")["Subnet"]["SubnetId"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"
    ][0]
    attachment = instance["NetworkInterfaces"][0]["Attachment"]
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)
    assert attachment["DeleteOnTermination"] is True
    assert (
        ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"]
        == []
    )


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


def test_a_stack_state_machine_is_listed_and_executes(session: boto3.Session) -> None:
    stack = deploy(
        session,
        {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": json.dumps(STATE_MACHINE),
                    "RoleArn": "arn:aws:iam::123456789012:role/states",
                },
            }
        },
        outputs={"MachineArn": {"Value": {"Ref": "Machine"}}},
    )
    states = session.client("stepfunctions")
    outputs = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    arn = outputs[0]["OutputValue"]
    execution = states.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    result = wait_for_execution(states, execution)
    session.client("cloudformation").delete_stack(StackName=stack)

    assert (result["status"], json.loads(result["output"])) == ("SUCCEEDED", {"written": True})
    assert arn not in [m["stateMachineArn"] for m in states.list_state_machines()["stateMachines"]]


def wait_for_execution(states: Any, execution: str) -> dict[str, Any]:
    for _ in range(50):
        result: dict[str, Any] = states.describe_execution(executionArn=execution)
        if result["status"] != "RUNNING":
            return result
        time.sleep(0.1)
    raise AssertionError(f"{execution} still running")


def test_a_stack_with_a_non_empty_bucket_ends_delete_failed_and_keeps_the_bucket(
    session: boto3.Session,
) -> None:
    stack = deploy(session, {"Output": {"Type": "AWS::S3::Bucket"}})
    cloudformation = session.client("cloudformation")
    bucket = cloudformation.describe_stack_resource(StackName=stack, LogicalResourceId="Output")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    s3 = session.client("s3")
    s3.put_object(Bucket=bucket, Key="users.csv", Body=b"userId\nu-1\n")

    cloudformation.delete_stack(StackName=stack)
    failed = status(session, stack)
    remaining = [
        r["LogicalResourceId"]
        for r in cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    ]
    events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
    reasons = [e.get("ResourceStatusReason", "") for e in events if e["ResourceStatus"] == "DELETE_FAILED"]
    s3.delete_object(Bucket=bucket, Key="users.csv")
    cloudformation.delete_stack(StackName=stack)

    assert failed == "DELETE_FAILED"
    assert remaining == ["Output"]
    assert len(reasons) == 1
    assert "BucketNotEmpty" in reasons[0]
    assert status(session, stack) == "DELETE_COMPLETE"
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_function_logs_to_its_own_log_group_not_a_default_one(session: boto3.Session) -> None:
    group = unique("/labkit/writer")
    session.client("logs").create_log_group(logGroupName=group)
    iam = session.client("iam")
    role = iam.create_role(RoleName=unique("writer"), AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    awslambda = session.client("lambda")
    name = unique("writer")
    awslambda.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        LoggingConfig={"LogGroup": group, "LogFormat": "Text"},
    )
    awslambda.invoke(FunctionName=name, Payload=b"{}")
    configuration = awslambda.get_function_configuration(FunctionName=name)
    groups = [g["logGroupName"] for g in session.client("logs").describe_log_groups()["logGroups"]]

    assert configuration["LoggingConfig"]["LogGroup"] == group
    assert f"/aws/lambda/{name}" not in groups


def test_resources_are_deleted_before_what_they_reference() -> None:
    resources: dict[str, dict[str, Any]] = {
        "Vpc": {},
        "Subnet": {"Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Instance": {"Properties": {"SubnetId": {"Ref": "Subnet"}}},
        "Address": {"DependsOn": "Instance"},
        "Log": {"Properties": {"Arn": {"Fn::GetAtt": ["Vpc", "Arn"]}}},
    }
    order = deletion_order(resources)
    assert order.index("Address") < order.index("Instance") < order.index("Subnet") < order.index("Vpc")
    assert order.index("Log") < order.index("Vpc")
    assert sorted(order) == sorted(resources)


def test_every_fix_says_what_moto_does_and_what_aws_does() -> None:
    for fix in PARITY_FIXES:
        assert fix.why.startswith("moto ")
        assert "; AWS " in fix.why


def test_the_fixes_refuse_a_moto_they_were_not_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9.9")
    with pytest.raises(ParityError, match=r"moto 5\.2\.5 internals, but moto 9\.9\.9"):
        parity.apply_all()
