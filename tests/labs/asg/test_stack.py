"""LabAsg keeps its promises: 1/2/4, two AZs, no public IP, IMDSv2, encrypted root, no policies."""

from __future__ import annotations

import pytest

from tests.synth import Template, only, props, resources


@pytest.fixture(scope="module")
def asg_template(templates: dict[str, Template]) -> Template:
    return templates["LabAsg"]


def test_group_min_1_desired_2_max_4(asg_template: Template) -> None:
    group = props(only(asg_template, "AWS::AutoScaling::AutoScalingGroup"))
    assert (group["MinSize"], group["DesiredCapacity"], group["MaxSize"]) == ("1", "2", "4")


def test_no_scaling_policies(asg_template: Template) -> None:
    assert resources(asg_template, "AWS::AutoScaling::ScalingPolicy") == {}
    assert resources(asg_template, "AWS::AutoScaling::ScheduledAction") == {}


def test_spread_over_two_azs_in_isolated_subnets(asg_template: Template) -> None:
    group = props(only(asg_template, "AWS::AutoScaling::AutoScalingGroup"))
    subnets = resources(asg_template, "AWS::EC2::Subnet")
    assert len(group["VPCZoneIdentifier"]) == 2
    assert {ref["Ref"] for ref in group["VPCZoneIdentifier"]} == set(subnets)
    zones = [props(subnet)["AvailabilityZone"]["Fn::Select"][0] for subnet in subnets.values()]
    assert sorted(zones) == [0, 1]


def test_instances_get_no_public_ip(asg_template: Template) -> None:
    assert resources(asg_template, "AWS::EC2::InternetGateway") == {}
    assert all(
        props(s)["MapPublicIpOnLaunch"] is False for s in resources(asg_template, "AWS::EC2::Subnet").values()
    )
    data = props(only(asg_template, "AWS::EC2::LaunchTemplate"))["LaunchTemplateData"]
    assert "NetworkInterfaces" not in data


def test_launch_template_nano_graviton_imdsv2_encrypted_root(asg_template: Template) -> None:
    data = props(only(asg_template, "AWS::EC2::LaunchTemplate"))["LaunchTemplateData"]
    assert data["InstanceType"] == "t4g.nano"
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    (root,) = data["BlockDeviceMappings"]
    assert root["Ebs"]["Encrypted"] is True
    assert root["Ebs"]["VolumeType"] == "gp3"


def test_no_inbound_rules(asg_template: Template) -> None:
    group = props(only(asg_template, "AWS::EC2::SecurityGroup"))
    assert group.get("SecurityGroupIngress", []) == []


def test_outputs(asg_template: Template) -> None:
    outputs = asg_template["Outputs"]
    assert {"GroupName", "TerminateOneCommand", "WatchCommand"} <= set(outputs)
    assert "aws ec2 terminate-instances" in str(outputs["TerminateOneCommand"]["Value"])
    assert "describe-auto-scaling-groups" in str(outputs["WatchCommand"]["Value"])
