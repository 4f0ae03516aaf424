"""`labkit check LabSpot` on the kit's emulator, against the synthesized lab: Spot instances, the events'
rule, and with --interrupt the FIS experiment's warning and the replacement; `labkit emulator interrupt`."""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from labs.checks.report import Outcome
from labs.checks.waiting import Waiter
from labs.emulator import command as emulator_command
from labs.settings import LabSettings
from labs.spot.check import check
from local_aws.client import LocalAws
from tests.check_helpers import _no_progress as quiet
from tests.check_helpers import item
from tests.synth import synth_lab

pytestmark = pytest.mark.emulator


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    """The lab as synthesized, without what only a CDK-bootstrapped account has (its version check)."""
    # synthesized now: a lab whose expiry time has passed is deleted by the emulator's scheduler at once
    synthesized = synth_lab("LabSpot", LabSettings(now=datetime.now(UTC)))
    synthesized.pop("Rules", None)
    synthesized["Parameters"].pop("BootstrapVersion")
    return synthesized


@pytest.fixture(scope="module")
def deployed(local_aws: LocalAws, template: dict[str, Any]) -> str:
    session = local_aws.session()
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(
        StackName="LabSpot", TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"]
    )
    assert (
        cloudformation.describe_stacks(StackName="LabSpot")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    )
    return "LabSpot"


def waiter() -> Waiter:
    return Waiter(timeout_s=30.0, poll_s=0.5, sleep=time.sleep, clock=time.monotonic, progress=quiet)


def test_the_check_passes_on_the_deployed_lab(session: boto3.Session, deployed: str) -> None:
    report = check(session, stack_name=deployed, on_emulator=True, waiter=waiter())

    assert report.passed, [(i.name, i.detail) for i in report.items]
    assert "spot at $0.00" in item(report, "Instances are Spot").detail
    assert "both events -> /aws/events/LabSpot" in item(report, "Spot events to a log group").detail


def test_with_interrupt_the_warning_arrives_and_a_replacement_is_in_service(
    session: boto3.Session, deployed: str
) -> None:
    report = check(session, stack_name=deployed, on_emulator=True, interrupt=True, waiter=waiter())

    assert item(report, "Interruption warning received").outcome is Outcome.PASS
    replaced = item(report, "Replacement in service")
    assert replaced.outcome is Outcome.PASS
    assert " terminated; in service: i-" in replaced.detail
    assert any("shortened warning" in note for note in report.notes)


def test_labkit_emulator_interrupt_warns_and_says_what_comes_next(
    local_aws: LocalAws, session: boto3.Session, deployed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = session.client("cloudformation").list_stack_resources(StackName=deployed)["StackResourceSummaries"]
    group = next(
        r["PhysicalResourceId"] for r in name if r["ResourceType"] == "AWS::AutoScaling::AutoScalingGroup"
    )
    instance = session.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[group])[
        "AutoScalingGroups"
    ][0]["Instances"][0]["InstanceId"]

    with local_aws.patched_environ():
        code = emulator_command.interrupt(argparse.Namespace(instance=instance, warning_seconds=1.0))
        again = emulator_command.interrupt(argparse.Namespace(instance=instance, warning_seconds=1.0))

    out, err = capsys.readouterr()
    assert code == 0
    assert (
        "Sent EC2 Instance Rebalance Recommendation and EC2 Spot Instance Interruption Warning for "
        f"{instance}" in out
    )
    assert "Capacity rebalancing launched i-" in out
    assert again == 1
    assert "has had its interruption warning already" in err


def test_labkit_emulator_interrupt_refuses_a_shell_not_pointed_at_the_emulator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    code = emulator_command.interrupt(argparse.Namespace(instance="i-0123", warning_seconds=None))

    assert code == 2
    assert "does not point at the emulator" in capsys.readouterr().err
