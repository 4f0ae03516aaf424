"""EC2 parity: an instance stack is created as written and deleted without a trace, interfaces included."""

from __future__ import annotations

import boto3

from tests.local_aws.services.stacks import deploy, instance_with_volume_and_address, network, status


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
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.0.0/24", AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"
    ]
    instance = ec2.run_instances(
        ImageId="ami-12c6146b", InstanceType="t4g.nano", MinCount=1, MaxCount=1, SubnetId=subnet
    )["Instances"][0]
    attachment = instance["NetworkInterfaces"][0]["Attachment"]
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)
    assert attachment["DeleteOnTermination"] is True
    assert (
        ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"]
        == []
    )
