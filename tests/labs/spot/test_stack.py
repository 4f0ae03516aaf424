"""LabSpot keeps its promises: all Spot over three arm64 types, price-capacity-optimized, capacity
rebalancing, the kit's launch template (IMDSv2, encrypted gp3, no inbound, Session Manager, standard
credits), no NAT and no public IP, both Spot events to a log group EventBridge may write, and an FIS
experiment for one instance."""

from __future__ import annotations

import json

import pytest

from labs.spot.spec import INSTANCE_TYPES
from local_aws.client import FIS_ACTION, INTERRUPTION_WARNING, REBALANCE_RECOMMENDATION
from tests.synth import Template, only, props, resources, statements


@pytest.fixture(scope="module")
def spot_template(templates: dict[str, Template]) -> Template:
    return templates["LabSpot"]


def test_the_group_runs_all_spot_over_three_arm64_types_with_rebalancing(spot_template: Template) -> None:
    group = props(only(spot_template, "AWS::AutoScaling::AutoScalingGroup"))
    policy = group["MixedInstancesPolicy"]

    assert [o["InstanceType"] for o in policy["LaunchTemplate"]["Overrides"]] == list(INSTANCE_TYPES)
    assert all(t.startswith("t4g.") for t in INSTANCE_TYPES)
    assert policy["InstancesDistribution"] == {
        "OnDemandBaseCapacity": 0,
        "OnDemandPercentageAboveBaseCapacity": 0,
        "SpotAllocationStrategy": "price-capacity-optimized",
    }
    assert group["CapacityRebalance"] is True
    assert (group["MinSize"], group["DesiredCapacity"], group["MaxSize"]) == ("1", "1", "2")
    assert len(group["VPCZoneIdentifier"]) == 2


def test_the_launch_template_is_the_kits_with_standard_credits_and_no_type(spot_template: Template) -> None:
    data = props(only(spot_template, "AWS::EC2::LaunchTemplate"))["LaunchTemplateData"]

    assert "InstanceType" not in data
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert data["CreditSpecification"] == {"CpuCredits": "standard"}
    (root,) = data["BlockDeviceMappings"]
    assert (root["Ebs"]["Encrypted"], root["Ebs"]["VolumeType"]) == (True, "gp3")
    assert "KeyName" not in data
    assert "IamInstanceProfile" in data
    (role,) = [
        r for k, r in resources(spot_template, "AWS::IAM::Role").items() if k.startswith("InstanceRole")
    ]
    assert "AmazonSSMManagedInstanceCore" in json.dumps(props(role)["ManagedPolicyArns"])


def test_no_nat_no_internet_gateway_no_inbound(spot_template: Template) -> None:
    assert resources(spot_template, "AWS::EC2::NatGateway") == {}
    assert resources(spot_template, "AWS::EC2::InternetGateway") == {}
    assert props(only(spot_template, "AWS::EC2::SecurityGroup")).get("SecurityGroupIngress", []) == []


def test_both_spot_events_go_to_a_log_group_eventbridge_may_write(spot_template: Template) -> None:
    rule = props(only(spot_template, "AWS::Events::Rule"))
    (log_group_id,) = resources(spot_template, "AWS::Logs::LogGroup")
    policy = json.loads(json.dumps(props(only(spot_template, "AWS::Logs::ResourcePolicy"))))

    assert rule["EventPattern"] == {
        "source": ["aws.ec2"],
        "detail-type": [INTERRUPTION_WARNING, REBALANCE_RECOMMENDATION],
    }
    (target,) = rule["Targets"]
    assert log_group_id in json.dumps(target["Arn"])
    assert "events.amazonaws.com" in json.dumps(policy["PolicyDocument"])
    assert "logs:PutLogEvents" in json.dumps(policy["PolicyDocument"])


def test_the_fis_experiment_interrupts_one_running_spot_instance_of_the_group(
    spot_template: Template,
) -> None:
    (template_id, template) = next(iter(resources(spot_template, "AWS::FIS::ExperimentTemplate").items()))
    experiment = props(template)
    (action,) = experiment["Actions"].values()
    (target,) = experiment["Targets"].values()
    role_id = experiment["RoleArn"]["Fn::GetAtt"][0]

    assert action["ActionId"] == FIS_ACTION
    assert action["Parameters"] == {"durationBeforeInterruption": "PT2M"}
    assert (target["ResourceType"], target["SelectionMode"]) == ("aws:ec2:spot-instance", "COUNT(1)")
    assert "aws:autoscaling:groupName" in target["ResourceTags"]
    actions = sorted(a for s in statements(spot_template, role_id) for a in [s["Action"]])
    assert actions == ["ec2:DescribeInstances", "ec2:SendSpotInstanceInterruptions"]
    assert template_id in json.dumps(spot_template["Outputs"]["InterruptCommand"]["Value"])


def test_the_outputs_show_lifecycle_prices_events_and_how_to_interrupt(spot_template: Template) -> None:
    outputs = {name: json.dumps(output["Value"]) for name, output in spot_template["Outputs"].items()}

    assert "InstanceLifecycle" in outputs["InstancesCommand"]
    assert "describe-spot-price-history" in outputs["SpotPricesCommand"]
    assert "t4g.nano $0.0042/h on-demand, Spot about $0.0013-0.0019/h" in outputs["Prices"]
    assert "aws logs tail" in outputs["WatchEventsCommand"]
    assert "aws fis start-experiment" in outputs["InterruptCommand"]
