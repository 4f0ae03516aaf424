"""Spot parity: a mixed-instances group runs Spot instances with Spot requests, price history has prices,
and an interruption warns on the bus, terminates the instance and the group replaces it (from another pool).

The pinned moto launches a mixed group's instances on-demand, of the template's type, in the first subnet,
with no Spot request; answers price history with $0.00001 dated 2006; ignores CapacityRebalance in templates;
has no interruptions. AWS does what each assertion below says (EC2 and Auto Scaling user guides, named in
local_aws/services/ec2/spot.py, spot_prices.py and interruptions.py).
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from labs.spot.spec import INSTANCE_TYPES
from local_aws.client import (
    INTERRUPTION_WARNING,
    REBALANCE_RECOMMENDATION,
    EmulatorCallError,
    LocalAws,
    SpotInterruption,
    interrupt_spot_instance,
)
from local_aws.services.ec2.spot import (
    CAPACITY_CAUSE,
    INTERRUPTED_CAUSE,
    REBALANCE_LAUNCH_CAUSE,
    REBALANCE_TERMINATE_CAUSE,
)
from tests.local_aws.services.stacks import deploy, unique

pytestmark = pytest.mark.emulator

# long enough that a loaded machine still reads the instance inside its warning (a CI run read it after)
WARNING_S = 3.0


def spot_group(*, capacity_rebalance: bool) -> dict[str, Any]:
    """Two subnets in two zones, a template without a type, a mixed group of three types all Spot,
    and a rule sending both Spot events to a log group."""
    log_group = unique("/labkit/spot-events")
    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.2.0.0/24"}},
        **{
            f"Subnet{zone.upper()}": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": {"Ref": "Vpc"},
                    "CidrBlock": cidr,
                    "AvailabilityZone": f"us-east-1{zone}",
                },
            }
            for zone, cidr in (("a", "10.2.0.0/26"), ("b", "10.2.0.64/26"))
        },
        "Template": {
            "Type": "AWS::EC2::LaunchTemplate",
            "Properties": {"LaunchTemplateData": {"ImageId": "ami-12c6146b"}},
        },
        "Group": {
            "Type": "AWS::AutoScaling::AutoScalingGroup",
            "Properties": {
                "MinSize": "1",
                "MaxSize": "4",
                "DesiredCapacity": "2",
                "CapacityRebalance": capacity_rebalance,
                "VPCZoneIdentifier": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}],
                "MixedInstancesPolicy": {
                    "InstancesDistribution": {
                        "OnDemandBaseCapacity": 0,
                        "OnDemandPercentageAboveBaseCapacity": 0,
                        "SpotAllocationStrategy": "price-capacity-optimized",
                    },
                    "LaunchTemplate": {
                        "LaunchTemplateSpecification": {
                            "LaunchTemplateId": {"Ref": "Template"},
                            "Version": {"Fn::GetAtt": ["Template", "LatestVersionNumber"]},
                        },
                        "Overrides": [{"InstanceType": t} for t in INSTANCE_TYPES],
                    },
                },
            },
        },
        "Events": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": log_group},
        },
        "SpotEvents": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventPattern": {
                    "source": ["aws.ec2"],
                    "detail-type": [INTERRUPTION_WARNING, REBALANCE_RECOMMENDATION],
                },
                "State": "ENABLED",
                "Targets": [{"Id": "Log", "Arn": {"Fn::GetAtt": ["Events", "Arn"]}}],
            },
        },
    }


def group_of(session: boto3.Session, stack: str) -> dict[str, Any]:
    resources = session.client("cloudformation").list_stack_resources(StackName=stack)[
        "StackResourceSummaries"
    ]
    name = next(r["PhysicalResourceId"] for r in resources if r["LogicalResourceId"] == "Group")
    groups = session.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return dict(groups["AutoScalingGroups"][0])


def instances(session: boto3.Session, ids: list[str]) -> list[dict[str, Any]]:
    reservations = session.client("ec2").describe_instances(InstanceIds=ids)["Reservations"]
    return [i for r in reservations for i in r["Instances"]]


def spot_events(session: boto3.Session, log_group: str) -> list[dict[str, Any]]:
    found = session.client("logs").filter_log_events(logGroupName=log_group)["events"]
    return [json.loads(event["message"]) for event in found]


def log_group_of(session: boto3.Session, stack: str) -> str:
    resources = session.client("cloudformation").list_stack_resources(StackName=stack)[
        "StackResourceSummaries"
    ]
    return str(next(r["PhysicalResourceId"] for r in resources if r["LogicalResourceId"] == "Events"))


def test_a_mixed_group_runs_spot_instances_of_its_override_types_across_its_zones(
    session: boto3.Session,
) -> None:
    stack = deploy(session, spot_group(capacity_rebalance=True))
    group = group_of(session, stack)
    members = instances(session, [i["InstanceId"] for i in group["Instances"]])

    assert group["CapacityRebalance"] is True
    assert [i.get("InstanceLifecycle") for i in members] == ["spot", "spot"]
    assert {i["InstanceType"] for i in members} <= set(INSTANCE_TYPES)
    assert sorted(i["Placement"]["AvailabilityZone"] for i in members) == ["us-east-1a", "us-east-1b"]
    requests = session.client("ec2").describe_spot_instance_requests(
        SpotInstanceRequestIds=[i["SpotInstanceRequestId"] for i in members]
    )["SpotInstanceRequests"]
    assert {(r["State"], r["Status"]["Code"], r["Type"]) for r in requests} == {
        ("active", "fulfilled", "one-time")
    }
    assert sorted(r["InstanceId"] for r in requests) == sorted(i["InstanceId"] for i in members)


def test_spot_price_history_answers_with_dated_prices_below_on_demand(session: boto3.Session) -> None:
    history = session.client("ec2").describe_spot_price_history(
        InstanceTypes=list(INSTANCE_TYPES), Filters=[{"Name": "availability-zone", "Values": ["us-east-1a"]}]
    )["SpotPriceHistory"]

    prices = {entry["InstanceType"]: float(entry["SpotPrice"]) for entry in history}
    assert set(prices) == set(INSTANCE_TYPES)
    assert {entry["AvailabilityZone"] for entry in history} == {"us-east-1a"}
    assert 0.001 < prices["t4g.nano"] < 0.0042
    assert prices["t4g.nano"] < prices["t4g.micro"] < prices["t4g.small"]
    assert all(entry["Timestamp"].year >= 2026 for entry in history)


def interrupt(local_aws: LocalAws, instance_id: str) -> SpotInterruption:
    return interrupt_spot_instance(
        local_aws.endpoint, instance_id, warning_s=WARNING_S, credentials=local_aws.credentials
    )


def wait_until_terminated(session: boto3.Session, instance_id: str) -> str:
    state = "?"
    for _ in range(40):
        state = instances(session, [instance_id])[0]["State"]["Name"]
        if state == "terminated":
            break
        time.sleep(0.25)
    return state


@pytest.mark.parametrize("capacity_rebalance", [True, False], ids=["rebalancing", "no-rebalancing"])
def test_an_interruption_warns_on_the_bus_terminates_after_the_warning_and_the_group_replaces_it(
    local_aws: LocalAws, session: boto3.Session, capacity_rebalance: bool
) -> None:
    stack = deploy(session, spot_group(capacity_rebalance=capacity_rebalance))
    first = group_of(session, stack)["Instances"]
    before = {i["InstanceId"] for i in first}
    victim = first[0]
    victim_id = victim["InstanceId"]

    answer = interrupt(local_aws, victim_id)
    # still inside its warning (read at once: waiting for the events below may take longer than the warning)
    during_warning = instances(session, [victim_id])[0]
    state_during_warning = during_warning["State"]["Name"]
    request_id = during_warning["SpotInstanceRequestId"]
    request = session.client("ec2").describe_spot_instance_requests(SpotInstanceRequestIds=[request_id])

    events = spot_events(session, log_group_of(session, stack))
    assert [e["detail-type"] for e in events] == [REBALANCE_RECOMMENDATION, INTERRUPTION_WARNING]
    warning = events[1]
    assert warning["source"] == "aws.ec2"
    assert warning["detail"] == {"instance-id": victim_id, "instance-action": "terminate"}
    assert warning["resources"] == [f"arn:aws:ec2:us-east-1:{local_aws.account_id}:instance/{victim_id}"]
    assert state_during_warning == "running"
    assert request["SpotInstanceRequests"][0]["Status"]["Code"] == "marked-for-termination"
    assert (answer.replacement is not None) is capacity_rebalance

    assert wait_until_terminated(session, victim_id) == "terminated"
    time.sleep(0.3)
    group = group_of(session, stack)
    members = instances(session, [i["InstanceId"] for i in group["Instances"]])
    assert victim_id not in [i["InstanceId"] for i in members]
    assert len(members) == 2
    assert all(i.get("InstanceLifecycle") == "spot" for i in members)
    replacement = next(i for i in members if i["InstanceId"] not in before)
    # the interrupted pool (type, zone) is short of capacity: the replacement comes from another pool
    assert (replacement["InstanceType"], replacement["Placement"]["AvailabilityZone"]) != (
        victim["InstanceType"],
        victim["AvailabilityZone"],
    )
    closed = session.client("ec2").describe_spot_instance_requests(SpotInstanceRequestIds=[request_id])
    assert closed["SpotInstanceRequests"][0]["State"] == "closed"
    activities = session.client("autoscaling").describe_scaling_activities(
        AutoScalingGroupName=group["AutoScalingGroupName"]
    )["Activities"]
    newest = [(a["Description"].split(":")[0], a["Cause"].split("Z ", 1)[1]) for a in activities[:2]]
    if capacity_rebalance:  # launched on the recommendation, the old one let go at the interruption
        assert newest == [
            ("Terminating EC2 instance", REBALANCE_TERMINATE_CAUSE + "."),
            ("Launching a new EC2 instance", REBALANCE_LAUNCH_CAUSE + "."),
        ]
    else:  # replaced once it was gone
        assert newest == [
            ("Launching a new EC2 instance", CAPACITY_CAUSE + "."),
            ("Terminating EC2 instance", INTERRUPTED_CAUSE + "."),
        ]


def test_an_on_demand_instance_cannot_be_interrupted(local_aws: LocalAws, session: boto3.Session) -> None:
    ec2 = session.client("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    on_demand = ec2.run_instances(ImageId=image, InstanceType="t4g.nano", MinCount=1, MaxCount=1)
    instance_id = on_demand["Instances"][0]["InstanceId"]

    with pytest.raises(EmulatorCallError, match="on-demand instance: EC2 interrupts only Spot"):
        interrupt(local_aws, instance_id)


def test_an_fis_experiment_template_exists_and_starting_it_interrupts_one_spot_instance_of_the_group(
    session: boto3.Session,
) -> None:
    """moto has an FIS API but no CloudFormation model and runs no action; AWS creates the template with the
    stack, and its aws:ec2:send-spot-instance-interruptions action warns and interrupts the targets."""
    resources = spot_group(capacity_rebalance=False)
    resources["FisRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": {"Statement": []}},
    }
    resources["Experiment"] = {
        "Type": "AWS::FIS::ExperimentTemplate",
        "Properties": {
            "Description": "interrupt one",
            "RoleArn": {"Fn::GetAtt": ["FisRole", "Arn"]},
            "StopConditions": [{"Source": "none"}],
            "Targets": {
                "SpotInstances": {
                    "ResourceType": "aws:ec2:spot-instance",
                    "ResourceTags": {"aws:autoscaling:groupName": {"Ref": "Group"}},
                    "Filters": [{"Path": "State.Name", "Values": ["running"]}],
                    "SelectionMode": "COUNT(1)",
                }
            },
            "Actions": {
                "interrupt": {
                    "ActionId": "aws:ec2:send-spot-instance-interruptions",
                    "Parameters": {"durationBeforeInterruption": "PT2M"},
                    "Targets": {"SpotInstances": "SpotInstances"},
                }
            },
        },
    }
    stack = deploy(session, resources)
    summaries = session.client("cloudformation").list_stack_resources(StackName=stack)[
        "StackResourceSummaries"
    ]
    template_id = next(r["PhysicalResourceId"] for r in summaries if r["LogicalResourceId"] == "Experiment")
    fis = session.client("fis")

    shown = fis.get_experiment_template(id=template_id)["experimentTemplate"]
    fis.start_experiment(experimentTemplateId=template_id)

    assert shown["targets"]["SpotInstances"]["selectionMode"] == "COUNT(1)"
    events = spot_events(session, log_group_of(session, stack))
    warned = [e["detail"]["instance-id"] for e in events if e["detail-type"] == INTERRUPTION_WARNING]
    assert len(warned) == 1
    assert warned[0] in {i["InstanceId"] for i in group_of(session, stack)["Instances"]}
