"""Where a real account fails, the emulator fails too: zones without t4g, a volume still in use, and stack
updates that replace an instance, move its Elastic IP, or roll back as CloudFormation does."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local_aws.services.ec2.instances import offering_zones
from tests.local_aws.services.stacks import deploy, instance_with_volume_and_address, network, status, update

NEW_IMAGE = "ami-03cf127a"  # another of moto's images: what a new Amazon Linux release looks like here


def physical_ids(session: boto3.Session, stack: str) -> dict[str, str]:
    summaries = session.client("cloudformation").list_stack_resources(StackName=stack)[
        "StackResourceSummaries"
    ]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries}


def instance_state(session: boto3.Session, instance_id: str) -> str:
    reservations = session.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    return str(reservations[0]["Instances"][0]["State"]["Name"])


def with_image(resources: dict[str, Any], image_id: str) -> dict[str, Any]:
    changed = json.loads(json.dumps(resources))
    changed["Instance"]["Properties"]["ImageId"] = image_id
    return changed


def test_t4g_in_a_zone_that_does_not_offer_it_fails_and_names_the_zones_that_do(
    session: boto3.Session,
) -> None:
    ec2 = session.client("ec2")
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    offered = offering_zones("us-east-1", "t4g.nano")
    (without,) = [zone for zone in zones if zone not in offered]
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/24")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.0.0/24", AvailabilityZone=without)["Subnet"]

    with pytest.raises(ClientError) as refused:
        ec2.run_instances(
            ImageId="ami-12c6146b",
            InstanceType="t4g.nano",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet["SubnetId"],
        )

    assert refused.value.response["Error"]["Code"] == "Unsupported"
    assert all(zone in refused.value.response["Error"]["Message"] for zone in offered)


def test_a_volume_attached_to_one_instance_cannot_be_attached_to_another(session: boto3.Session) -> None:
    ec2 = session.client("ec2")
    first, second = (
        i["InstanceId"]
        for i in ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=2, MaxCount=2)[
            "Instances"
        ]
    )
    zone = ec2.describe_instances(InstanceIds=[first])["Reservations"][0]["Instances"][0]["Placement"]
    volume = ec2.create_volume(AvailabilityZone=zone["AvailabilityZone"], Size=1)["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=first, Device="/dev/sdf")

    with pytest.raises(ClientError) as refused:
        ec2.attach_volume(VolumeId=volume, InstanceId=second, Device="/dev/sdf")

    assert refused.value.response["Error"]["Code"] == "VolumeInUse"
    attachments = ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]["Attachments"]
    assert [a["InstanceId"] for a in attachments] == [first]


def test_a_new_image_replaces_the_instance_and_its_elastic_ip_follows_it(session: boto3.Session) -> None:
    lab = {**network(cidr="10.8.0.0/24"), **instance_with_volume_and_address()}
    del lab["Data"], lab["DataAttachment"]  # the lab's shape: the data disk lives in the instance
    stack = deploy(session, lab)
    before = physical_ids(session, stack)

    update(session, stack, with_image(lab, NEW_IMAGE))

    after = physical_ids(session, stack)
    assert status(session, stack) == "UPDATE_COMPLETE"
    assert after["Instance"] != before["Instance"]
    assert instance_state(session, before["Instance"]) == "terminated"  # the old one goes in the clean-up
    (address,) = session.client("ec2").describe_addresses(PublicIps=[before["Address"]])["Addresses"]
    assert address["InstanceId"] == after["Instance"]  # the same public IP, on the new instance


def test_a_separate_volume_attachment_makes_the_replacement_fail_and_roll_back(
    session: boto3.Session,
) -> None:
    # the shape issue 9 found in LabEc2: the new attachment comes while the old instance holds the volume
    lab = {**network(cidr="10.9.0.0/24"), **instance_with_volume_and_address()}
    stack = deploy(session, lab)
    before = physical_ids(session, stack)

    update(session, stack, with_image(lab, NEW_IMAGE))

    assert status(session, stack) == "UPDATE_ROLLBACK_COMPLETE"
    assert physical_ids(session, stack)["Instance"] == before["Instance"]
    assert instance_state(session, before["Instance"]) == "running"
    volume = session.client("ec2").describe_volumes(VolumeIds=[before["Data"]])["Volumes"][0]
    assert [a["InstanceId"] for a in volume["Attachments"]] == [before["Instance"]]
