"""`labkit leftovers` on moto: what a destroyed lab left behind is listed, nothing else is."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from labs.cli import main
from labs.deployed.session import new_session, on_emulator
from labs.leftovers.model import Leftover
from labs.leftovers.scan import scan_leftovers
from tests.check_helpers import AMI, deploy, lab_tags, mocked_session

ACCOUNT = "123456789012"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def ec2_tags(lab: str, owner: str = "unset") -> list[Any]:
    return lab_tags(lab, owner, expires=None)


def tag_spec(resource_type: str, lab: str, owner: str = "unset") -> list[Any]:
    return [{"ResourceType": resource_type, "Tags": ec2_tags(lab, owner)}]


def kinds(leftovers: list[Leftover]) -> set[tuple[str, str]]:
    return {(leftover.resource_type, leftover.identifier) for leftover in leftovers}


def bootstrap_like_cdk(session: boto3.Session) -> None:
    """The CDK bootstrap stack and its staging bucket and role: never a lab's leftover."""
    resources = {
        "StagingBucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {"BucketName": f"cdk-hnb659fds-assets-{ACCOUNT}-us-east-1"},
        },
        "CloudFormationExecutionRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": f"cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-us-east-1",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
            },
        },
    }
    deploy(session, "CDKToolkit", resources)


def test_a_cleanly_destroyed_lab_leaves_nothing(session: boto3.Session) -> None:
    bootstrap_like_cdk(session)
    tags = lab_tags("LabDdbStream")
    resources = {
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": tags}},
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "KeySchema": [{"AttributeName": "userId", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "userId", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            },
        },
    }
    deploy(session, "LabDdbStream", resources, tags=tags)
    session.client("cloudformation").delete_stack(StackName="LabDdbStream")

    assert scan_leftovers(session, include_untagged=True) == []


def test_a_leftover_volume_is_listed_and_an_unrelated_untagged_one_only_when_asked(
    session: boto3.Session,
) -> None:
    ec2 = session.client("ec2")
    tagged = ec2.create_volume(
        AvailabilityZone="us-east-1a", Size=1, TagSpecifications=tag_spec("volume", "LabEc2")
    )["VolumeId"]
    untagged = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]

    on_aws = scan_leftovers(session, lab_id="LabEc2")
    with_untagged = scan_leftovers(session, lab_id="LabEc2", include_untagged=True)

    assert kinds(on_aws) == {("AWS::EC2::Volume", tagged)}
    assert "tagged labkit:lab=LabEc2, labkit:owner=unset; no live stack owns it" in on_aws[0].reason
    assert kinds(with_untagged) == {("AWS::EC2::Volume", tagged), ("AWS::EC2::Volume", untagged)}
    assert scan_leftovers(session, lab_id="LabDdbStream", include_untagged=True) == []


def test_an_untagged_free_elastic_ip_counts_on_the_emulator_only_for_labec2(session: boto3.Session) -> None:
    allocation = session.client("ec2").allocate_address(Domain="vpc")
    # another lab is deployed; its volume attachment has no physical id, which must not hide anything
    attached = {
        "Instance": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": AMI}},
        "Volume": {"Type": "AWS::EC2::Volume", "Properties": {"AvailabilityZone": "us-east-1a", "Size": 1}},
        "Attachment": {
            "Type": "AWS::EC2::VolumeAttachment",
            "Properties": {
                "Device": "/dev/sdf",
                "InstanceId": {"Ref": "Instance"},
                "VolumeId": {"Ref": "Volume"},
            },
        },
    }
    deploy(session, "LabAsg", attached, tags=lab_tags("LabAsg"))

    emulator = scan_leftovers(session, lab_id="LabEc2", include_untagged=True)

    assert kinds(emulator) == {("AWS::EC2::EIP", f"{allocation['PublicIp']} ({allocation['AllocationId']})")}
    assert "billed hourly" in emulator[0].reason
    assert scan_leftovers(session, lab_id="LabEc2") == []
    assert kinds(scan_leftovers(session, lab_id="LabAsg", include_untagged=True)) == {
        ("AWS::CloudFormation::Stack", "LabAsg")
    }


def test_a_deployed_lab_is_its_stack_not_its_resources_and_not_another_labs_leftover(
    session: boto3.Session,
) -> None:
    tags = lab_tags("LabAsg")
    resources = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/24", "Tags": tags}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"Tags": tags}},
    }
    deploy(session, "LabAsg", resources, tags=tags)

    everything = scan_leftovers(session, include_untagged=True)

    assert kinds(everything) == {("AWS::CloudFormation::Stack", "LabAsg")}
    assert everything[0].reason == "still deployed (CREATE_COMPLETE): cdk destroy LabAsg"
    assert scan_leftovers(session, lab_id="LabEc2", include_untagged=True) == []


def test_a_stack_that_failed_to_delete_is_listed_with_what_it_still_holds(session: boto3.Session) -> None:
    from moto.cloudformation.models import cloudformation_backends

    tags = lab_tags("LabStepFunction")
    deploy(
        session,
        "LabStepFunction",
        {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": tags}}},
        tags=tags,
    )
    (stack,) = cloudformation_backends[ACCOUNT]["us-east-1"].stacks.values()
    stack.status = "DELETE_FAILED"  # as AWS leaves a stack whose bucket still holds objects
    bucket = session.client("s3").list_buckets()["Buckets"][0]["Name"]

    found = {(f.resource_type, f.identifier): f.reason for f in scan_leftovers(session)}

    assert found[("AWS::CloudFormation::Stack", "LabStepFunction")].startswith("DELETE_FAILED")
    assert found[("AWS::S3::Bucket", bucket)].startswith(
        "still in stack LabStepFunction, which failed to delete it"
    )


def test_an_owner_sees_only_their_own_leftovers(session: boto3.Session) -> None:
    s3 = session.client("s3")
    for owner in ("alice", "bob"):
        s3.create_bucket(Bucket=f"{owner}-bucket")
        s3.put_bucket_tagging(Bucket=f"{owner}-bucket", Tagging={"TagSet": ec2_tags("LabDdbStream", owner)})

    alice = scan_leftovers(session, owner="alice")

    assert kinds(alice) == {("AWS::S3::Bucket", "alice-bucket")}
    assert kinds(scan_leftovers(session)) == {
        ("AWS::S3::Bucket", "alice-bucket"),
        ("AWS::S3::Bucket", "bob-bucket"),
    }


def test_resources_named_after_a_deleted_lab_stack_are_listed(session: boto3.Session) -> None:
    logs, iam = session.client("logs"), session.client("iam")
    logs.create_log_group(logGroupName="/aws/lambda/LabDdbStream-CsvWriterFunction06C2FB96-ABC123")
    logs.create_log_group(logGroupName="alice-LabStepFunction-StateMachineLogs3CB16D3C-XYZ")
    logs.create_log_group(logGroupName="/aws/lambda/my-own-app")
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    iam.create_role(RoleName="LabDdbStream-CsvWriterRoleCE90F055-QWE", AssumeRolePolicyDocument=trust)
    iam.create_role(RoleName="LabDdbStreamish-role", AssumeRolePolicyDocument=trust)

    leftovers = scan_leftovers(session)

    assert kinds(leftovers) == {
        ("AWS::Logs::LogGroup", "/aws/lambda/LabDdbStream-CsvWriterFunction06C2FB96-ABC123"),
        ("AWS::Logs::LogGroup", "alice-LabStepFunction-StateMachineLogs3CB16D3C-XYZ"),
        ("AWS::IAM::Role", "LabDdbStream-CsvWriterRoleCE90F055-QWE"),
    }
    assert {leftover.reason for leftover in leftovers} >= {
        "named after stack alice-LabStepFunction, which does not exist in this region"
    }
    assert kinds(scan_leftovers(session, owner="bob")) == set()


def test_a_leftover_vpc_takes_its_instance_interface_and_elastic_ip_along(session: boto3.Session) -> None:
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/24", TagSpecifications=tag_spec("vpc", "LabEc2"))["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/26")["Subnet"]["SubnetId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]
    allocation = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance["InstanceId"])
    terminated = ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, TagSpecifications=tag_spec("instance", "LabEc2")
    )["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[terminated])

    found = {(f.resource_type, f.identifier): f.reason for f in scan_leftovers(session, lab_id="LabEc2")}

    assert found[("AWS::EC2::VPC", vpc)].startswith("tagged labkit:lab=LabEc2")
    assert found[("AWS::EC2::Subnet", subnet)] == f"in leftover VPC {vpc}"
    assert found[("AWS::EC2::InternetGateway", gateway)] == f"attached to leftover VPC {vpc}"
    assert found[("AWS::EC2::Instance", instance["InstanceId"])] == f"runs in leftover VPC {vpc}"
    eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    assert found[("AWS::EC2::NetworkInterface", eni)].startswith(f"in leftover VPC {vpc}")
    address = f"{allocation['PublicIp']} ({allocation['AllocationId']})"
    assert found[("AWS::EC2::EIP", address)] == f"associated with leftover instance {instance['InstanceId']}"
    assert ("AWS::EC2::Instance", terminated) not in found


def test_what_a_failed_destroy_leaves_on_plain_moto_is_all_listed(session: boto3.Session) -> None:
    """moto's `cdk destroy` of LabEc2 stops at the VPC: the terminated instance's interface keeps it."""
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/24", TagSpecifications=tag_spec("vpc", "LabEc2"))["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/26", AvailabilityZone="us-east-1a")["Subnet"]
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnet["SubnetId"])[
        "Instances"
    ][0]
    allocation = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance["InstanceId"])
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)[
        "VolumeId"
    ]  # CloudFormation dropped its tags

    found = {
        (f.resource_type, f.identifier): f.reason for f in scan_leftovers(session, include_untagged=True)
    }

    eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    assert set(found) >= {
        ("AWS::EC2::VPC", vpc),
        ("AWS::EC2::Subnet", subnet["SubnetId"]),
        ("AWS::EC2::NetworkInterface", eni),
        ("AWS::EC2::EIP", f"{allocation['PublicIp']} ({allocation['AllocationId']})"),
        ("AWS::EC2::Volume", volume),
    }
    assert found[("AWS::EC2::EIP", f"{allocation['PublicIp']} ({allocation['AllocationId']})")] == (
        f"associated with leftover network interface {eni}"
    )


def test_an_expiry_schedule_of_a_deleted_stack_is_listed(session: boto3.Session) -> None:
    for stack in ("alice-LabEc2", "live-LabEc2"):
        session.client("scheduler").create_schedule(
            Name=f"sched-{stack}",
            ScheduleExpression="at(2030-01-01T08:00:00)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": "arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack",
                "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/x",
                "Input": json.dumps(
                    {"StackName": f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{stack}/1"}
                ),
            },
        )
    deploy(session, "live-LabEc2", {"Bucket": {"Type": "AWS::S3::Bucket"}})

    leftovers = [
        f for f in scan_leftovers(session, lab_id="LabEc2") if f.resource_type != "AWS::CloudFormation::Stack"
    ]

    assert kinds(leftovers) == {("AWS::Scheduler::Schedule", "sched-alice-LabEc2")}
    assert leftovers[0].reason == "expiry schedule of stack alice-LabEc2, which is gone"


def test_labkit_leftovers_exits_1_with_a_table_and_0_when_clean(
    session: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["leftovers", "LabEc2"]) == 0
    assert "Nothing left behind by LabEc2 (any owner)" in capsys.readouterr().out

    volume = session.client("ec2").create_volume(
        AvailabilityZone="us-east-1a", Size=1, TagSpecifications=tag_spec("volume", "LabEc2", "alice")
    )["VolumeId"]

    assert main(["leftovers", "LabEc2", "--owner", "alice"]) == 1
    out = capsys.readouterr().out
    assert "1 leftover(s) of LabEc2 (owner alice)" in out
    assert volume in out


@pytest.mark.parametrize(
    ("endpoint", "emulator"),
    [
        ("http://localhost:5123", True),
        ("http://127.0.0.1:5123", True),
        ("https://ec2.us-east-1.amazonaws.com", False),
        ("https://ec2.us-east-1.api.aws", False),
        ("https://vpce-0123-abcd.ec2.us-east-1.vpce.amazonaws.com", False),
    ],
)
def test_only_a_loopback_endpoint_counts_as_the_emulator(
    endpoint: str, emulator: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real account the scan must not switch on its untagged-resource guesses."""
    monkeypatch.delenv("LABKIT_EMULATOR", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    session = new_session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    assert on_emulator(session) is emulator
