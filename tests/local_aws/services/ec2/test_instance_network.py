"""EC2 parity: an instance declared with NetworkInterfaces (CT.EC2.PR.8's form) launches in that interface's
subnet and security group, with the Elastic IP on it, as LabEc2's template declares it."""

from __future__ import annotations

import boto3
import pytest

from local_aws.services.ec2.instance_network import primary_interface_as_instance_properties
from tests.local_aws.services.stacks import deploy, network

pytestmark = pytest.mark.emulator


def test_the_primary_interface_gives_the_instance_its_subnet_and_groups() -> None:
    properties = {
        "ImageId": "ami-1",
        "NetworkInterfaces": [
            {
                "DeviceIndex": "0",
                "SubnetId": "subnet-1",
                "GroupSet": ["sg-1"],
                "AssociatePublicIpAddress": False,
            }
        ],
    }
    resolved = primary_interface_as_instance_properties(properties)
    assert (resolved["SubnetId"], resolved["SecurityGroupIds"]) == ("subnet-1", ["sg-1"])
    assert primary_interface_as_instance_properties({"SubnetId": "subnet-2"}) == {"SubnetId": "subnet-2"}


def test_an_instance_with_network_interfaces_launches_in_the_lab_subnet(session: boto3.Session) -> None:
    stack = deploy(
        session,
        {
            **network("10.2.0.0/24"),
            "Instance": {
                "Type": "AWS::EC2::Instance",
                "Properties": {
                    "ImageId": "ami-12c6146b",
                    "InstanceType": "t4g.nano",
                    "NetworkInterfaces": [
                        {
                            "DeviceIndex": "0",
                            "AssociatePublicIpAddress": False,
                            "SubnetId": {"Ref": "Subnet"},
                            "GroupSet": [{"Fn::GetAtt": ["PingOnly", "GroupId"]}],
                        }
                    ],
                },
            },
            "Address": {
                "Type": "AWS::EC2::EIP",
                "Properties": {"Domain": "vpc", "InstanceId": {"Ref": "Instance"}},
            },
        },
    )
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in session.client("cloudformation").list_stack_resources(StackName=stack)[
            "StackResourceSummaries"
        ]
    }
    ec2 = session.client("ec2")
    instance = ec2.describe_instances(InstanceIds=[physical["Instance"]])["Reservations"][0]["Instances"][0]

    assert instance["SubnetId"] == physical["Subnet"]
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [physical["PingOnly"]]
    address = ec2.describe_addresses(PublicIps=[physical["Address"]])["Addresses"][0]
    assert address["InstanceId"] == physical["Instance"]
