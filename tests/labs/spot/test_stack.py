"""LabSpot keeps its promises: all Spot over three arm64 types, price-capacity-optimized, capacity
rebalancing, the kit's launch template (IMDSv2, encrypted gp3, no inbound, no instance role, standard
credits), no NAT and no public IP, both Spot events of its own group to a log group through a filter
function (no account-level resource policy), and an FIS experiment for one instance that only FIS
experiments of this account and region may run."""

from __future__ import annotations

import json

import pytest

from labs.spot.spec import FILTER_HANDLER, INSTANCE_TYPES
from local_aws.client import FIS_ACTION, INTERRUPTION_WARNING, REBALANCE_RECOMMENDATION
from spot_events.environment import GROUP_VARIABLE, LOG_GROUP_VARIABLE
from tests.synth import Template, only, props, resources, role_of, statements


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


def test_the_instances_have_no_role_session_manager_could_not_reach_them(spot_template: Template) -> None:
    """Isolated subnets without SSM's interface endpoints: an SSM role would grant what is never used."""
    data = props(only(spot_template, "AWS::EC2::LaunchTemplate"))["LaunchTemplateData"]

    assert "IamInstanceProfile" not in data
    assert resources(spot_template, "AWS::IAM::InstanceProfile") == {}
    assert "AmazonSSMManagedInstanceCore" not in json.dumps(spot_template)


def test_no_nat_no_internet_gateway_no_inbound(spot_template: Template) -> None:
    assert resources(spot_template, "AWS::EC2::NatGateway") == {}
    assert resources(spot_template, "AWS::EC2::InternetGateway") == {}
    assert props(only(spot_template, "AWS::EC2::SecurityGroup")).get("SecurityGroupIngress", []) == []


def test_both_spot_events_go_through_a_filter_function_to_the_log_group(spot_template: Template) -> None:
    rule = props(only(spot_template, "AWS::Events::Rule"))
    (function_id, function) = next(iter(resources(spot_template, "AWS::Lambda::Function").items()))
    permission = props(only(spot_template, "AWS::Lambda::Permission"))
    rule_id = next(iter(resources(spot_template, "AWS::Events::Rule")))
    events_group = next(
        k for k, g in resources(spot_template, "AWS::Logs::LogGroup").items() if "LogGroupName" in props(g)
    )

    assert rule["EventPattern"] == {
        "source": ["aws.ec2"],
        "detail-type": [INTERRUPTION_WARNING, REBALANCE_RECOMMENDATION],
    }
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert (permission["Principal"], permission["SourceArn"]) == (
        "events.amazonaws.com",
        {"Fn::GetAtt": [rule_id, "Arn"]},
    )
    assert props(function)["Handler"] == FILTER_HANDLER
    variables = props(function)["Environment"]["Variables"]
    group_id = next(iter(resources(spot_template, "AWS::AutoScaling::AutoScalingGroup")))
    assert variables == {GROUP_VARIABLE: {"Ref": group_id}, LOG_GROUP_VARIABLE: {"Ref": events_group}}


def test_the_filter_may_read_instance_tags_and_write_only_its_stacks_log_groups(
    spot_template: Template,
) -> None:
    function = next(iter(resources(spot_template, "AWS::Lambda::Function").values()))
    granted = {
        action: statement["Resource"]
        for statement in statements(spot_template, role_of(function))
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }
    groups = set(resources(spot_template, "AWS::Logs::LogGroup"))

    assert set(granted) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "ec2:DescribeTags",
    }
    assert {ref["Fn::GetAtt"][0] for ref in granted["logs:PutLogEvents"]} == groups
    assert granted["ec2:DescribeTags"] == "*"
    assert resources(spot_template, "AWS::Logs::ResourcePolicy") == {}


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


def test_only_fis_experiments_of_this_account_and_region_may_use_the_experiment_role(
    spot_template: Template,
) -> None:
    """FIS user guide: aws:SourceAccount and aws:SourceArn (experiment/*) against the confused deputy."""
    experiment = props(only(spot_template, "AWS::FIS::ExperimentTemplate"))
    role = props(resources(spot_template, "AWS::IAM::Role")[experiment["RoleArn"]["Fn::GetAtt"][0]])
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]

    assert trust["Principal"] == {"Service": "fis.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    source = json.dumps(trust["Condition"]["ArnLike"]["aws:SourceArn"])
    assert '":fis:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":experiment/*"' in source


def test_the_outputs_show_lifecycle_prices_events_and_how_to_interrupt(spot_template: Template) -> None:
    outputs = {name: json.dumps(output["Value"]) for name, output in spot_template["Outputs"].items()}

    assert "InstanceLifecycle" in outputs["InstancesCommand"]
    assert "describe-spot-price-history" in outputs["SpotPricesCommand"]
    assert "t4g.nano $0.0042/h on-demand, Spot about $0.0013-0.0019/h" in outputs["Prices"]
    assert "aws logs tail" in outputs["WatchEventsCommand"]
    assert "aws fis start-experiment" in outputs["InterruptCommand"]
