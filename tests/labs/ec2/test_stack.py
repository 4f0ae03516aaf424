"""LabEc2 keeps its promises: nano Graviton, IMDSv2, encrypted volumes, ping only, EIP, no SSH."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from labs.ec2.spec import DATA_DEVICE, DATA_MOUNT_POINT, DATA_VOLUME_GIB, DATA_VOLUME_TYPE
from labs.settings import LabSettings
from tests.synth import CDK_GROUP, FIXED_NOW, Template, only, props, resources, synth_lab

pytestmark = CDK_GROUP


@pytest.fixture(scope="module")
def ec2_template(templates: dict[str, Template]) -> Template:
    return templates["LabEc2"]


@pytest.fixture(scope="module")
def instance(ec2_template: Template) -> dict[str, Any]:
    return only(ec2_template, "AWS::EC2::Instance")


def test_one_nano_graviton_instance(instance: dict[str, Any]) -> None:
    assert props(instance)["InstanceType"] == "t4g.nano"


def test_amazon_linux_2023_arm_resolved_at_deploy_time(
    ec2_template: Template, instance: dict[str, Any]
) -> None:
    image_parameter = props(instance)["ImageId"]["Ref"]
    parameter = ec2_template["Parameters"][image_parameter]
    assert parameter["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    assert parameter["Default"].startswith("/aws/service/ami-amazon-linux-latest/al2023-ami-")
    assert parameter["Default"].endswith("-arm64")


def test_imdsv2_required(ec2_template: Template, instance: dict[str, Any]) -> None:
    template_id, launch_template = next(iter(resources(ec2_template, "AWS::EC2::LaunchTemplate").items()))
    assert props(launch_template)["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"] == "required"
    assert props(instance)["LaunchTemplate"]["LaunchTemplateId"] == {"Ref": template_id}


def test_root_volume_is_encrypted_gp3(instance: dict[str, Any]) -> None:
    mappings = {m["DeviceName"]: m["Ebs"] for m in props(instance)["BlockDeviceMappings"]}
    assert mappings["/dev/xvda"] == {
        "DeleteOnTermination": True,
        "Encrypted": True,
        "VolumeSize": 8,
        "VolumeType": "gp3",
    }


def test_data_volume_is_a_1_gib_encrypted_gp3_disk_of_the_instance_deleted_with_it(
    ec2_template: Template, instance: dict[str, Any]
) -> None:
    """Created with the instance and deleted when it terminates: nothing to attach or detach."""
    mappings = {m["DeviceName"]: m["Ebs"] for m in props(instance)["BlockDeviceMappings"]}
    assert mappings[DATA_DEVICE] == {
        "DeleteOnTermination": True,
        "Encrypted": True,
        "VolumeSize": DATA_VOLUME_GIB,
        "VolumeType": DATA_VOLUME_TYPE,
    }
    assert resources(ec2_template, "AWS::EC2::Volume") == {}
    assert resources(ec2_template, "AWS::EC2::VolumeAttachment") == {}


def test_a_replaced_instance_is_only_re_pointed_to_by_its_elastic_ip(ec2_template: Template) -> None:
    """A new AMI replaces the instance on redeploy: only the EIP follows it (an in-place update), so no
    attachment is created while the old instance still holds its volume (VolumeInUse, rollback)."""
    (instance_id,) = resources(ec2_template, "AWS::EC2::Instance")
    referring = {
        resource["Type"]
        for resource in ec2_template["Resources"].values()
        if f'"{instance_id}"' in json.dumps(resource.get("Properties", {}))
    }
    assert referring == {"AWS::EC2::EIP"}


def test_user_data_mounts_the_data_disk_by_its_device_name_in_valid_bash(instance: dict[str, Any]) -> None:
    parts = props(instance)["UserData"]["Fn::Base64"]
    script = parts if isinstance(parts, str) else "".join(str(p) for p in parts["Fn::Join"][1])
    assert f"DATA_DEVICE={DATA_DEVICE}" in script
    assert f"MOUNT_POINT={DATA_MOUNT_POINT}" in script
    assert "ebsnvme-id -b" in script  # Nitro without the udev link: the mapping's name read from the disk
    assert "mkfs -t xfs" in script
    assert "/etc/fstab" in script
    assert "Ref" not in json.dumps(parts)  # no other resource's id: a replaced instance needs nothing new
    checked = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True, check=False)
    assert checked.returncode == 0, checked.stderr


def test_elastic_ip_is_associated_with_the_instance(ec2_template: Template) -> None:
    instance_id = next(iter(resources(ec2_template, "AWS::EC2::Instance")))
    eip = props(only(ec2_template, "AWS::EC2::EIP"))
    assert eip["InstanceId"] == {"Ref": instance_id}
    assert eip["Domain"] == "vpc"


def test_elastic_ip_waits_for_the_gateway_attachment(ec2_template: Template) -> None:
    """Created after the gateway is attached, released before it is detached: no DELETE_FAILED."""
    (attachment_id,) = resources(ec2_template, "AWS::EC2::VPCGatewayAttachment")
    assert attachment_id in only(ec2_template, "AWS::EC2::EIP")["DependsOn"]


def test_only_icmp_echo_is_allowed_in(ec2_template: Template) -> None:
    groups = resources(ec2_template, "AWS::EC2::SecurityGroup")
    ingress = [rule for group in groups.values() for rule in props(group).get("SecurityGroupIngress", [])]
    assert ingress == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "ping from pingCidr",
            "FromPort": 8,
            "IpProtocol": "icmp",
            "ToPort": -1,
        }
    ]
    assert resources(ec2_template, "AWS::EC2::SecurityGroupIngress") == {}


def test_ping_cidr_comes_from_context(alice_templates: dict[str, Template]) -> None:
    group = only(alice_templates["LabEc2"], "AWS::EC2::SecurityGroup")
    assert [rule["CidrIp"] for rule in props(group)["SecurityGroupIngress"]] == ["203.0.113.7/32"]


def test_no_ssh_key_shell_through_session_manager(ec2_template: Template, instance: dict[str, Any]) -> None:
    assert "KeyName" not in props(instance)
    profile = props(only(ec2_template, "AWS::IAM::InstanceProfile"))
    role = ec2_template["Resources"][profile["Roles"][0]["Ref"]]
    policies = str(props(role)["ManagedPolicyArns"])
    assert "AmazonSSMManagedInstanceCore" in policies


def test_own_vpc_with_public_subnets_only_and_no_auto_public_ip(ec2_template: Template) -> None:
    subnets = resources(ec2_template, "AWS::EC2::Subnet")
    assert len(subnets) == 2
    assert all(props(subnet)["MapPublicIpOnLaunch"] is False for subnet in subnets.values())
    assert len(resources(ec2_template, "AWS::EC2::InternetGateway")) == 1


def test_outputs(ec2_template: Template) -> None:
    outputs = ec2_template["Outputs"]
    assert {"ElasticIp", "PingCommand", "SessionCommand"} <= set(outputs)
    assert "ping -c 3" in str(outputs["PingCommand"]["Value"])
    assert "aws ssm start-session --target" in str(outputs["SessionCommand"]["Value"])


def test_an_availability_zone_puts_the_instance_and_its_one_subnet_there(ec2_template: Template) -> None:
    """For a region whose first zone offers no t4g: the zone is named, and nothing is looked up at synth."""
    zoned = synth_lab("LabEc2", LabSettings(availability_zone="us-east-1d", now=FIXED_NOW))

    (subnet_id, subnet) = only_item(resources(zoned, "AWS::EC2::Subnet"))
    assert props(subnet)["AvailabilityZone"] == "us-east-1d"
    instance = props(only(zoned, "AWS::EC2::Instance"))
    # on the instance's own interface, without a public IP (Control Tower's CT.EC2.PR.8)
    (interface,) = instance["NetworkInterfaces"]
    assert interface["SubnetId"] == {"Ref": subnet_id}
    assert interface["AssociatePublicIpAddress"] is False
    assert instance["AvailabilityZone"] == "us-east-1d"
    assert "Fn::GetAZs" not in json.dumps(zoned)
    # without the setting, the region's first zone as before
    assert "Fn::GetAZs" in json.dumps(ec2_template)


def only_item(found: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    assert len(found) == 1, f"expected one, found {sorted(found)}"
    return next(iter(found.items()))
