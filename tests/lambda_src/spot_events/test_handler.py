"""LabSpot's event filter against moto's EC2, Auto Scaling and CloudWatch Logs: the lab group's Spot events
land in its log group as EventBridge would have written them, even after the instance left the group;
another group's, or an event without an instance, do not; each instance is asked about once."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from spot_events import handler as spot_handler
from spot_events.environment import GROUP_VARIABLE, LOG_GROUP_VARIABLE, FilterEnvironment

LOG_GROUP = "/aws/events/alice-LabSpot"


def warning(instance_id: str, event_id: str = "7bf73129-1428-4cd3-a780-95db273d1602") -> dict[str, Any]:
    """EC2's Spot interruption warning, as the EC2 user guide shows it (spot-instance-termination-notices)."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "EC2 Spot Instance Interruption Warning",
        "source": "aws.ec2",
        "account": "123456789012",
        "time": "2026-12-07T12:00:00Z",
        "region": "us-east-1",
        "resources": [f"arn:aws:ec2:us-east-1a:instance/{instance_id}"],
        "detail": {"instance-id": instance_id, "instance-action": "terminate"},
    }


@pytest.fixture
def groups(aws: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Two Auto Scaling groups of one instance each: group name -> its instance id."""
    # moto parses its catalogue of public images for a new account unless told not to: seconds a test
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    ec2 = boto3.client("ec2", region_name="us-east-1")
    autoscaling = boto3.client("autoscaling", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", AvailabilityZone="us-east-1a")
    template = ec2.create_launch_template(
        LaunchTemplateName="lab", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t4g.nano"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    found = {}
    for name in ("alice-LabSpot-Group", "bob-LabSpot-Group"):
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateId": template},
            MinSize=1,
            MaxSize=1,
            DesiredCapacity=1,
            VPCZoneIdentifier=subnet["Subnet"]["SubnetId"],
        )
        group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
        found[name] = group["Instances"][0]["InstanceId"]
    boto3.client("logs", region_name="us-east-1").create_log_group(logGroupName=LOG_GROUP)
    return found


def clients() -> tuple[Any, Any, list[str]]:
    ec2 = boto3.client("ec2", region_name="us-east-1")
    calls: list[str] = []
    ec2.meta.events.register("before-call.ec2.*", lambda model, **_: calls.append(model.name))
    return ec2, boto3.client("logs", region_name="us-east-1"), calls


def logged(logs: Any) -> list[dict[str, Any]]:
    return [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName=LOG_GROUP)["events"]]


def test_only_the_lab_groups_events_reach_its_log_group_as_eventbridge_writes_them(
    groups: dict[str, str],
) -> None:
    ec2, logs, calls = clients()
    settings = FilterEnvironment(group_name="alice-LabSpot-Group", log_group=LOG_GROUP)
    own, theirs = groups["alice-LabSpot-Group"], groups["bob-LabSpot-Group"]
    memo: dict[str, bool] = {}

    kept = spot_handler.forward(warning(own), settings=settings, ec2=ec2, logs=logs, memo=memo)
    dropped = spot_handler.forward(warning(theirs, "other"), settings=settings, ec2=ec2, logs=logs, memo=memo)
    again = spot_handler.forward(warning(theirs, "again"), settings=settings, ec2=ec2, logs=logs, memo=memo)

    assert kept.startswith(f"EC2 Spot Instance Interruption Warning for {own} -> {LOG_GROUP}")
    assert dropped == again == f"ignored: {theirs} is not in alice-LabSpot-Group"
    assert logged(logs) == [warning(own)]
    assert calls == ["DescribeTags", "DescribeTags"]


def test_an_event_without_an_instance_is_ignored_and_a_redelivery_writes_again(
    groups: dict[str, str],
) -> None:
    ec2, logs, calls = clients()
    settings = FilterEnvironment(group_name="alice-LabSpot-Group", log_group=LOG_GROUP)
    own = groups["alice-LabSpot-Group"]
    memo: dict[str, bool] = {}

    nothing = spot_handler.forward(
        {"detail-type": "EC2 Spot Instance Interruption Warning", "detail": {}},
        settings=settings,
        ec2=ec2,
        logs=logs,
        memo=memo,
    )
    for _ in range(2):  # EventBridge delivers at least once: the same event's stream exists the second time
        spot_handler.forward(warning(own), settings=settings, ec2=ec2, logs=logs, memo=memo)

    assert nothing == "ignored: the event names no instance"
    assert calls == ["DescribeTags"]
    assert logged(logs) == [warning(own), warning(own)]


def test_a_late_delivery_after_the_interruption_still_reaches_the_log_group(groups: dict[str, str]) -> None:
    """A cold start or a retry may run after the warning's two minutes: EC2 has terminated the instance,
    which keeps its group tag (Auto Scaling's own membership list has dropped it by then)."""
    ec2, logs, _ = clients()
    own = groups["alice-LabSpot-Group"]
    ec2.terminate_instances(InstanceIds=[own])
    settings = FilterEnvironment(group_name="alice-LabSpot-Group", log_group=LOG_GROUP)

    spot_handler.forward(warning(own), settings=settings, ec2=ec2, logs=logs, memo={})

    assert logged(logs) == [warning(own)]


def test_the_handler_reads_its_group_and_log_group_from_the_environment(
    groups: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(GROUP_VARIABLE, "alice-LabSpot-Group")
    monkeypatch.setenv(LOG_GROUP_VARIABLE, LOG_GROUP)
    monkeypatch.setattr(spot_handler, "_CLIENTS", {})
    monkeypatch.setattr(spot_handler, "_MEMBERSHIP", {})

    done = spot_handler.handler(warning(groups["alice-LabSpot-Group"]), None)

    assert done.endswith(f"-> {LOG_GROUP} (7bf73129-1428-4cd3-a780-95db273d1602)")
    assert FilterEnvironment.read().as_variables() == {
        GROUP_VARIABLE: "alice-LabSpot-Group",
        LOG_GROUP_VARIABLE: LOG_GROUP,
    }
