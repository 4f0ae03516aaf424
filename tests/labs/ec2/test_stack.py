"""LabEc2 keeps its promises: nano Graviton, IMDSv2, encrypted volumes, ping only, EIP, no SSH."""

from __future__ import annotations

from typing import Any

import pytest

from tests.synth import Template, only, props, resources


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
    (root,) = props(instance)["BlockDeviceMappings"]
    assert root["Ebs"] == {
        "DeleteOnTermination": True,
        "Encrypted": True,
        "VolumeSize": 8,
        "VolumeType": "gp3",
    }


def test_data_volume_1_gib_encrypted_gp3_attached(ec2_template: Template) -> None:
    volume_id, volume = next(iter(resources(ec2_template, "AWS::EC2::Volume").items()))
    assert props(volume)["Size"] == 1
    assert props(volume)["VolumeType"] == "gp3"
    assert props(volume)["Encrypted"] is True
    attachment = props(only(ec2_template, "AWS::EC2::VolumeAttachment"))
    assert attachment["VolumeId"] == {"Ref": volume_id}
    assert attachment["Device"] == "/dev/sdf"


def test_user_data_mounts_the_volume_at_data_on_nitro_too(instance: dict[str, Any]) -> None:
    script = "".join(str(part) for part in props(instance)["UserData"]["Fn::Base64"]["Fn::Join"][1])
    assert "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_" in script
    assert "mkfs -t xfs" in script
    assert "/data" in script
    assert "/etc/fstab" in script


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
