"""`labkit check LabEc2` on moto: what it verifies, and what it says when the lab is broken."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from labs.checks.report import CheckReport, Outcome
from labs.ec2.check import ICMP_BLOCKED, REFERENCE_HOST, PingResult, check, check_data_volume, ping_command
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

TAGS = lab_tags("LabEc2")
ANSWERED = PingResult(0, "3 packets transmitted, 3 received, 0% packet loss")
SILENT = PingResult(1, "3 packets transmitted, 0 received, 100% packet loss")


def ec2_lab(
    *,
    associate: bool = True,
    data_disk: bool = True,
    deleted_with_instance: bool = True,
    ping_rule: bool = True,
) -> dict[str, Any]:
    ingress = [{"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "CidrIp": "203.0.113.7/32"}]
    root = {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp3", "Encrypted": True}}
    data = {
        "DeviceName": "/dev/sdf",
        "Ebs": {
            "VolumeSize": 1,
            "VolumeType": "gp3",
            "Encrypted": True,
            "DeleteOnTermination": deleted_with_instance,
        },
    }
    resources: dict[str, Any] = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/24", "Tags": TAGS}},
        "Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.0.0/26",
                "AvailabilityZone": "us-east-1a",
            },
        },
        "PingOnly": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "ping only",
                "VpcId": {"Ref": "Vpc"},
                "SecurityGroupIngress": ingress if ping_rule else [],
            },
        },
        "Instance": {
            "Type": "AWS::EC2::Instance",
            "Properties": {
                "ImageId": AMI,
                "InstanceType": "t4g.nano",
                "SubnetId": {"Ref": "Subnet"},
                # moto's CloudFormation reads SecurityGroups, not SecurityGroupIds
                "SecurityGroups": [{"Fn::GetAtt": ["PingOnly", "GroupId"]}],
                "BlockDeviceMappings": [root, data] if data_disk else [root],
                "Tags": TAGS,
            },
        },
        "PublicAddress": {
            "Type": "AWS::EC2::EIP",
            "Properties": {"Domain": "vpc", **({"InstanceId": {"Ref": "Instance"}} if associate else {})},
        },
    }
    return resources


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    """One mocked account for the module: each set-up is its own stack (owner prefixes keep them apart)."""
    with pytest.MonkeyPatch.context() as monkeypatch, mocked_session(monkeypatch) as mocked:
        deploy(mocked, "LabEc2", ec2_lab(), tags=TAGS)
        deploy(mocked, "noeip-LabEc2", ec2_lab(associate=False), tags=TAGS)
        deploy(mocked, "broken-LabEc2", ec2_lab(data_disk=False, ping_rule=False), tags=TAGS)
        deploy(mocked, "kept-LabEc2", ec2_lab(deleted_with_instance=False), tags=TAGS)
        deploy(mocked, "stopped-LabEc2", ec2_lab(), tags=TAGS)
        # a learner's own stack from `labkit exercise LabEc2`, with only its VPC written so far
        vpc = {"Vpc": ec2_lab()["Vpc"]}
        deploy(mocked, "MyLabEc2", vpc, tags=TAGS)
        yield mocked


class Pinger:
    """Answers per host and records what was pinged."""

    def __init__(self, answers: dict[str, PingResult]) -> None:
        self.answers = answers
        self.pinged: list[str] = []

    def __call__(self, host: str) -> PingResult:
        self.pinged.append(host)
        return self.answers.get(host, SILENT)


def test_a_working_lab_passes_every_item_and_the_ping(session: boto3.Session) -> None:
    address = physical_id(session, "LabEc2", "PublicAddress")
    instance = physical_id(session, "LabEc2", "Instance")

    report = check(
        session, stack_name="LabEc2", on_emulator=False, pinger=Pinger({address: ANSWERED}), now=NOW
    )

    assert outcomes(report) == {
        "Stack deployed": Outcome.PASS,
        # the mocked stack lists no expiry schedule: on a real account that is a failure
        "Auto-expiry": Outcome.FAIL,
        "Instance running": Outcome.PASS,
        "Data volume attached": Outcome.PASS,
        "Elastic IP associated": Outcome.PASS,
        "Security group allows ping": Outcome.PASS,
        "Instance uses the group": Outcome.PASS,
        "Elastic IP answers ping": Outcome.PASS,
    }
    assert f"{address} is associated with {instance}" in item(report, "Elastic IP associated").detail
    volume = item(report, "Data volume attached").detail
    assert "(1 GiB gp3, encrypted, deleted with the instance)" in volume
    assert volume.endswith(f"is attached to {instance} as /dev/sdf")
    assert "203.0.113.7/32" in item(report, "Security group allows ping").detail
    assert "3 received" in item(report, "Elastic IP answers ping").detail


def test_a_missing_elastic_ip_association_fails_with_the_command_that_fixes_it(
    session: boto3.Session,
) -> None:
    report = check(session, stack_name="noeip-LabEc2", on_emulator=True, now=NOW)

    association = item(report, "Elastic IP associated")
    assert association.outcome is Outcome.FAIL
    assert "is not associated with any instance" in association.detail
    assert "aws ec2 associate-address" in association.hint
    assert not report.passed


def test_an_instance_without_its_data_disk_and_a_group_without_icmp_fail(session: boto3.Session) -> None:
    report = check(session, stack_name="broken-LabEc2", on_emulator=True, now=NOW)

    volume = item(report, "Data volume attached")
    assert volume.outcome is Outcome.FAIL
    assert "has no volume at /dev/sdf (its block devices: /dev/xvda)" in volume.detail
    assert item(report, "Security group allows ping").outcome is Outcome.FAIL
    assert "no inbound rule for ICMP echo" in item(report, "Security group allows ping").detail
    assert "authorize-security-group-ingress" in item(report, "Security group allows ping").hint


def test_on_the_emulator_nothing_is_pinged_and_the_ping_is_not_a_pass(session: boto3.Session) -> None:
    pinger = Pinger({})

    report = check(session, stack_name="LabEc2", on_emulator=True, pinger=pinger, now=NOW)

    ping = item(report, "Elastic IP answers ping")
    assert ping.outcome is Outcome.SKIPPED
    assert "not on any network" in ping.detail
    assert pinger.pinged == []
    assert report.passed  # everything else verified; the emulator's expiry is only not verifiable


def test_icmp_blocked_on_this_machine_is_said_plainly_not_passed_and_not_failed(
    session: boto3.Session,
) -> None:
    address = physical_id(session, "LabEc2", "PublicAddress")
    pinger = Pinger({})

    report = check(session, stack_name="LabEc2", on_emulator=False, pinger=pinger, now=NOW)

    ping = item(report, "Elastic IP answers ping")
    assert ping.outcome is Outcome.SKIPPED
    assert ICMP_BLOCKED in ping.detail
    assert pinger.pinged == [address, REFERENCE_HOST]


def test_a_silent_elastic_ip_fails_when_this_machine_can_ping_elsewhere(session: boto3.Session) -> None:

    report = check(
        session, stack_name="LabEc2", on_emulator=False, pinger=Pinger({REFERENCE_HOST: ANSWERED}), now=NOW
    )

    ping = item(report, "Elastic IP answers ping")
    assert ping.outcome is Outcome.FAIL
    assert "pingCidr must include your public IP" in ping.hint


MACOS_NO_REPLY = PingResult(
    2, "PING 203.0.113.9: 56 data bytes\n\n--- ping statistics ---\n3 packets transmitted, 0 packets received"
)
WINDOWS_UNREACHABLE = PingResult(
    0, "Reply from 10.0.0.1: Destination host unreachable.\nPackets: Sent = 3, Received = 3, Lost = 0"
)


@pytest.mark.parametrize(
    "silent", [MACOS_NO_REPLY, WINDOWS_UNREACHABLE], ids=["macos-exit-2", "windows-exit-0"]
)
def test_no_reply_fails_on_every_system_when_this_machine_can_ping_elsewhere(
    session: boto3.Session, silent: PingResult
) -> None:
    def pinger(host: str) -> PingResult:
        return ANSWERED if host == REFERENCE_HOST else silent

    report = check(session, stack_name="LabEc2", on_emulator=False, pinger=pinger, now=NOW)

    assert item(report, "Elastic IP answers ping").outcome is Outcome.FAIL
    assert not report.passed


def test_no_ping_command_is_not_verifiable(session: boto3.Session) -> None:

    report = check(
        session, stack_name="LabEc2", on_emulator=False, pinger=lambda _host: PingResult(None, ""), now=NOW
    )

    assert item(report, "Elastic IP answers ping").outcome is Outcome.SKIPPED
    assert "CloudShell" in item(report, "Elastic IP answers ping").detail


def test_a_stopped_instance_fails(session: boto3.Session) -> None:
    session.client("ec2").stop_instances(InstanceIds=[physical_id(session, "stopped-LabEc2", "Instance")])

    report = check(
        session, stack_name="stopped-LabEc2", on_emulator=True, waiter=FakeClock().waiter(), now=NOW
    )

    assert item(report, "Instance running").outcome is Outcome.FAIL
    assert "start-instances" in item(report, "Instance running").hint


def test_an_owners_missing_stack_fails_with_the_deploy_command(session: boto3.Session) -> None:
    report = check(session, stack_name="alice-LabEc2", on_emulator=False, now=NOW)

    assert outcomes(report) == {"Stack deployed": Outcome.FAIL}
    assert "no stack named alice-LabEc2" in report.items[0].detail
    assert "cdk deploy LabEc2 -c owner=alice" in report.items[0].hint


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", ["ping", "-c", "3", "-W", "2", "203.0.113.9"]),
        ("darwin", ["ping", "-c", "3", "-W", "2000", "203.0.113.9"]),
        ("win32", ["ping", "-n", "3", "-w", "2000", "203.0.113.9"]),
    ],
)
def test_ping_waits_two_seconds_per_reply_on_every_system(platform: str, expected: list[str]) -> None:
    assert ping_command("203.0.113.9", platform) == expected


def test_a_data_disk_that_would_outlive_the_instance_fails_with_the_command_that_fixes_it(
    session: boto3.Session,
) -> None:
    report = check(session, stack_name="kept-LabEc2", on_emulator=True, now=NOW)

    volume = item(report, "Data volume attached")
    assert volume.outcome is Outcome.FAIL
    assert "NOT deleted with the instance" in volume.detail
    assert "modify-instance-attribute" in volume.hint
    assert '"DeleteOnTermination":true' in volume.hint


def test_a_volume_deleted_by_hand_is_reported_not_a_crash(session: boto3.Session) -> None:
    instance = {
        "InstanceId": "i-0123456789abcdef0",
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeId": "vol-0123456789abcdef0", "Status": "attached"}}
        ],
    }
    report = CheckReport("LabEc2", "LabEc2")

    check_data_volume(report, session.client("ec2"), instance)

    volume = item(report, "Data volume attached")
    assert volume.outcome is Outcome.FAIL
    assert volume.detail == "vol-0123456789abcdef0 no longer exists"


def test_a_learners_unfinished_stack_fails_with_hints_that_name_each_missing_step(
    session: boto3.Session,
) -> None:
    report = check(session, stack_name="MyLabEc2", on_emulator=False, pinger=Pinger({}), now=NOW)

    # (the mocked stack has no expiry schedule: tested in test_lab_checks)
    hints = {i.name: i.hint for i in report.items if i.outcome is Outcome.FAIL and i.name != "Auto-expiry"}
    assert list(hints) == [
        "Instance running",
        "Data volume attached",
        "Elastic IP associated",
        "Security group allows ping",
    ]
    assert hints["Instance running"].startswith("Step 1 of the hands-on (launch a t4g.nano instance")
    assert "the kit's solution is labs/ec2/stack.py" in hints["Instance running"]
    assert hints["Data volume attached"].startswith("Step 2 of the hands-on (add a 1 GiB encrypted data")
    assert 'ec2.BlockDevice(device_name="/dev/sdf"' in hints["Data volume attached"]
    assert hints["Elastic IP associated"].startswith(
        "Step 3 of the hands-on (give the instance an Elastic IP)"
    )
    assert hints["Security group allows ping"].startswith("Step 4 of the hands-on (let ping in")
