"""`labkit check LabAsg` on moto: size, instances in service, AZ spread and the self-heal round trip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from labs.asg.check import check
from labs.checks.report import Outcome
from tests.check_helpers import (
    AMI,
    NOW,
    FakeClock,
    deploy,
    item,
    lab_tags,
    mocked_session,
    outcomes,
    physical_id,
)

TAGS = lab_tags("LabAsg")


def asg_lab(desired: int = 2) -> dict[str, Any]:
    def subnet(cidr: str, zone: str) -> dict[str, Any]:
        return {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": zone},
        }

    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/24", "Tags": TAGS}},
        "SubnetA": subnet("10.0.0.0/26", "us-east-1a"),
        "SubnetB": subnet("10.0.0.64/26", "us-east-1b"),
        "LaunchTemplate": {
            "Type": "AWS::EC2::LaunchTemplate",
            "Properties": {
                "LaunchTemplateData": {
                    "ImageId": AMI,
                    "InstanceType": "t4g.nano",
                    "MetadataOptions": {"HttpTokens": "required"},
                }
            },
        },
        "Group": {
            "Type": "AWS::AutoScaling::AutoScalingGroup",
            "Properties": {
                "MinSize": "1",
                "MaxSize": "4",
                "DesiredCapacity": str(desired),
                "LaunchTemplate": {
                    "LaunchTemplateId": {"Ref": "LaunchTemplate"},
                    "Version": {"Fn::GetAtt": ["LaunchTemplate", "LatestVersionNumber"]},
                },
                "VPCZoneIdentifier": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}],
            },
        },
    }


def spread_over_two_zones(session: boto3.Session, stack_name: str) -> None:
    """moto launches into the group's first subnet only: grow the group with subnet B listed first."""
    autoscaling = session.client("autoscaling")
    name = physical_id(session, stack_name, "Group")
    subnet_a, subnet_b = (physical_id(session, stack_name, s) for s in ("SubnetA", "SubnetB"))
    autoscaling.update_auto_scaling_group(AutoScalingGroupName=name, DesiredCapacity=1)
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName=name, VPCZoneIdentifier=f"{subnet_b},{subnet_a}", DesiredCapacity=2
    )


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    with pytest.MonkeyPatch.context() as monkeypatch, mocked_session(monkeypatch) as mocked:
        deploy(mocked, "LabAsg", asg_lab(desired=1), tags=TAGS)
        spread_over_two_zones(mocked, "LabAsg")
        for owner in ("onezone", "unhealthy", "resized", "heal", "noheal"):
            deploy(mocked, f"{owner}-LabAsg", asg_lab(), tags=TAGS)
        # a learner's own stack from `labkit exercise LabAsg`, with only its VPC written so far
        deploy(mocked, "MyLabAsg", {"Vpc": asg_lab()["Vpc"]}, tags=TAGS)
        yield mocked


def group_name(session: boto3.Session, stack_name: str) -> str:
    return physical_id(session, stack_name, "Group")


def test_a_group_of_two_across_two_zones_passes(session: boto3.Session) -> None:
    report = check(session, stack_name="LabAsg", on_emulator=False, now=NOW)

    # (the mocked stack has no expiry schedule: tested in test_lab_checks)
    assert {name: o for name, o in outcomes(report).items() if name != "Auto-expiry"} == {
        "Stack deployed": Outcome.PASS,
        "Launch template": Outcome.PASS,
        "Group size": Outcome.PASS,
        "Instances in service": Outcome.PASS,
        "Group spans two AZs": Outcome.PASS,
        "Instances in two AZs": Outcome.PASS,
    }
    assert item(report, "Group size").detail == "desired 2 within min 1 / max 4"
    assert "us-east-1a, us-east-1b" in item(report, "Instances in two AZs").detail


def test_instances_in_one_zone_fail_on_aws_and_are_not_verifiable_on_the_emulator(
    session: boto3.Session,
) -> None:
    on_aws = check(session, stack_name="onezone-LabAsg", on_emulator=False, now=NOW)
    on_emulator = check(session, stack_name="onezone-LabAsg", on_emulator=True, now=NOW)

    assert item(on_aws, "Instances in two AZs").outcome is Outcome.FAIL
    assert "rebalances" in item(on_aws, "Instances in two AZs").hint
    assert item(on_emulator, "Instances in two AZs").outcome is Outcome.SKIPPED
    assert "first subnet" in item(on_emulator, "Instances in two AZs").detail


def test_a_group_below_desired_fails_and_self_heal_is_not_attempted(session: boto3.Session) -> None:
    name = group_name(session, "unhealthy-LabAsg")
    autoscaling = session.client("autoscaling")
    first = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    autoscaling.set_instance_health(InstanceId=first["Instances"][0]["InstanceId"], HealthStatus="Unhealthy")

    report = check(session, stack_name="unhealthy-LabAsg", on_emulator=True, self_heal=True, now=NOW)

    in_service = item(report, "Instances in service")
    assert in_service.outcome is Outcome.FAIL
    assert in_service.detail.startswith("1 of 2 desired in service")
    assert "InService, Unhealthy" in in_service.detail
    assert item(report, "Self-heal").outcome is Outcome.FAIL
    assert item(report, "Self-heal").detail.startswith("not attempted")
    assert not report.passed


def test_a_resized_group_fails_the_size_item(session: boto3.Session) -> None:
    session.client("autoscaling").update_auto_scaling_group(
        AutoScalingGroupName=group_name(session, "resized-LabAsg"), DesiredCapacity=3
    )

    report = check(session, stack_name="resized-LabAsg", on_emulator=True, now=NOW)

    size = item(report, "Group size")
    assert size.outcome is Outcome.FAIL
    assert "desired 3" in size.detail
    assert "--desired-capacity 2" in size.hint


def test_self_heal_terminates_one_instance_and_sees_the_groups_own_replacement(
    session: boto3.Session,
) -> None:
    name = group_name(session, "heal-LabAsg")
    autoscaling = session.client("autoscaling")
    before = {
        i["InstanceId"]
        for i in autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][
            0
        ]["Instances"]
    }

    report = check(session, stack_name="heal-LabAsg", on_emulator=True, self_heal=True, now=NOW)

    heal = item(report, "Self-heal")
    assert heal.outcome is Outcome.PASS
    victim = min(before)
    states = session.client("ec2").describe_instances(InstanceIds=[victim])["Reservations"][0]["Instances"]
    assert states[0]["State"]["Name"] in ("shutting-down", "terminated")
    after = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    (replacement,) = {i["InstanceId"] for i in after["Instances"]} - before
    assert f"terminated {victim}; back to 2 in service with {replacement}" in heal.detail
    assert any("moto launched the replacement" in note for note in report.notes)


def test_a_group_that_never_replaces_fails_on_aws_within_the_time_limit(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.autoscaling.models import AutoScalingBackend

    # the instance is terminated but the group never launches another
    monkeypatch.setattr(AutoScalingBackend, "notify_terminate_instances", lambda self, ids: None)
    clock = FakeClock()

    on_aws = check(
        session,
        stack_name="noheal-LabAsg",
        on_emulator=False,
        self_heal=True,
        waiter=clock.waiter(60),
        now=NOW,
    )

    heal = item(on_aws, "Self-heal")
    assert heal.outcome is Outcome.FAIL
    assert "after 60 s: 1/2 in service" in heal.detail
    assert "--timeout 600" in heal.hint
    assert clock.now == pytest.approx(60)


def test_on_the_emulator_a_missing_replacement_is_not_verifiable(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.autoscaling.models import AutoScalingBackend

    monkeypatch.setattr(AutoScalingBackend, "notify_terminate_instances", lambda self, ids: None)
    deploy(session, "lazy-LabAsg", asg_lab(), tags=TAGS)

    report = check(
        session,
        stack_name="lazy-LabAsg",
        on_emulator=True,
        self_heal=True,
        waiter=FakeClock().waiter(5),
        now=NOW,
    )

    assert item(report, "Self-heal").outcome is Outcome.SKIPPED
    assert "did not replace it" in item(report, "Self-heal").detail


def test_a_learners_unfinished_stack_fails_with_hints_that_name_each_missing_step(
    session: boto3.Session,
) -> None:
    report = check(session, stack_name="MyLabAsg", on_emulator=False, now=NOW)

    template, size = item(report, "Launch template"), item(report, "Group size")
    assert (template.outcome, size.outcome) == (Outcome.FAIL, Outcome.FAIL)
    assert template.hint.startswith("Step 1 of the hands-on (write a launch template: t4g.nano")
    assert "require_imdsv2=True" in template.hint
    assert size.detail == "the stack has no Auto Scaling group"
    assert size.hint.startswith(
        "Step 2 of the hands-on (build the Auto Scaling group from it: min 1, desired 2"
    )
    assert "the kit's solution is labs/asg/stack.py" in size.hint
