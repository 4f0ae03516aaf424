"""`labkit check LabSpot` on the kit's emulator, against the synthesized lab: Spot instances, the events'
rule, and with --interrupt the FIS experiment's warning and the replacement; `labkit emulator interrupt`.
Each test deploys a stack of its own: none depends on what another interrupted before it."""

from __future__ import annotations

import argparse
import copy
import json
import time
from typing import Any

import boto3
import pytest

from labs.checks.report import Outcome
from labs.checks.waiting import Waiter
from labs.emulator import command as emulator_command
from labs.spot.check import check
from local_aws.client import LocalAws
from tests.check_helpers import _no_progress as quiet
from tests.check_helpers import item
from tests.labs.spot.deploying import Template, deploy_spot

pytestmark = pytest.mark.emulator


def waiter() -> Waiter:
    return Waiter(timeout_s=30.0, poll_s=0.2, sleep=time.sleep, clock=time.monotonic, progress=quiet)


@pytest.fixture
def deploy(session: boto3.Session, published: Template, request: pytest.FixtureRequest) -> Any:
    """Deploys a LabSpot (or a variant of its template) named after the test; returns the stack's name."""

    def deployed(template: Template | None = None, *, suffix: str = "") -> str:
        name = f"{request.node.name.replace('_', '-')[:60]}{suffix}-LabSpot"
        assert deploy_spot(session, template or published, name) == "CREATE_COMPLETE"
        return name

    return deployed


def group_instance(session: boto3.Session, stack_name: str) -> str:
    summaries = session.client("cloudformation").list_stack_resources(StackName=stack_name)
    group = next(
        r["PhysicalResourceId"]
        for r in summaries["StackResourceSummaries"]
        if r["ResourceType"] == "AWS::AutoScaling::AutoScalingGroup"
    )
    answer = session.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[group])
    return str(answer["AutoScalingGroups"][0]["Instances"][0]["InstanceId"])


def test_the_check_passes_on_the_deployed_lab(session: boto3.Session, deploy: Any) -> None:
    name = deploy()

    report = check(session, stack_name=name, on_emulator=True, waiter=waiter())

    assert report.passed, [(i.name, i.detail) for i in report.items]
    assert "spot at $0.00" in item(report, "Instances are Spot").detail
    events = item(report, "Spot events to a log group").detail
    assert f"both events -> /aws/events/{name} through {name}-SpotEventsFilterFunction" in events


def test_with_interrupt_the_warning_arrives_and_a_replacement_is_in_service(
    session: boto3.Session, deploy: Any
) -> None:
    name = deploy()
    instance = group_instance(session, name)

    report = check(session, stack_name=name, on_emulator=True, interrupt=True, waiter=waiter())

    warned = item(report, "Interruption warning received")
    assert warned.outcome is Outcome.PASS
    assert f"for {instance} in /aws/events/{name}" in warned.detail
    replaced = item(report, "Replacement in service")
    assert replaced.outcome is Outcome.PASS
    assert f"{instance} terminated; in service: i-" in replaced.detail
    assert any("shortened warning" in note for note in report.notes)


def test_without_an_fis_template_the_interruption_is_not_attempted_and_says_how_to_add_it(
    session: boto3.Session, deploy: Any, published: Template
) -> None:
    """On the emulator as on AWS: nothing is interrupted behind the learner's back, and nothing is claimed."""
    without = copy.deepcopy(published)
    for logical_id, resource in published["Resources"].items():
        if resource["Type"] == "AWS::FIS::ExperimentTemplate":
            del without["Resources"][logical_id]
    without["Outputs"].pop("InterruptCommand")
    name = deploy(without)
    instance = group_instance(session, name)

    report = check(session, stack_name=name, on_emulator=True, interrupt=True, waiter=waiter())

    interruption = item(report, "Interruption")
    assert interruption.outcome is Outcome.FAIL
    assert interruption.detail == "not attempted: the stack has no AWS FIS experiment template to start"
    assert "Step 4 of the hands-on" in interruption.hint
    assert "fis.CfnExperimentTemplate" in interruption.hint
    assert "labkit emulator interrupt <instance-id>" in interruption.hint
    assert not any("FIS experiment ran" in note for note in report.notes)
    reservations = session.client("ec2").describe_instances(InstanceIds=[instance])["Reservations"]
    assert reservations[0]["Instances"][0]["State"]["Name"] == "running"


def to_its_log_group_directly(template: Template) -> Template:
    """A learner's variant: the rule targets the log group itself, so it receives every group's events."""
    variant = copy.deepcopy(template)
    rule = next(r for r in variant["Resources"].values() if r["Type"] == "AWS::Events::Rule")
    arn = (
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/events/${AWS::StackName}"
    )
    rule["Properties"]["Targets"] = [{"Id": "Log", "Arn": {"Fn::Sub": arn}}]
    return variant


def test_the_check_grades_its_own_groups_warning_when_another_groups_arrives_first(
    session: boto3.Session, deploy: Any, published: Template, local_aws: LocalAws
) -> None:
    """A class check interrupts several learners at once: another learner's warning in this log group
    (a rule that sends every Spot event of the region to it) is not this group's."""
    name = deploy(to_its_log_group_directly(published))
    neighbour = deploy(suffix="-neighbour")
    own, theirs = group_instance(session, name), group_instance(session, neighbour)
    with local_aws.patched_environ():
        assert emulator_command.interrupt(argparse.Namespace(instance=theirs, warning_seconds=5.0)) == 0
    logs = session.client("logs").filter_log_events(logGroupName=f"/aws/events/{name}")["events"]
    assert theirs in json.dumps(logs)  # the neighbour's warning is in this log group first

    report = check(session, stack_name=name, on_emulator=True, interrupt=True, waiter=waiter())

    warned = item(report, "Interruption warning received")
    assert warned.outcome is Outcome.PASS, warned.detail
    assert f"for {own} in /aws/events/{name}" in warned.detail
    assert own in item(report, "Replacement in service").detail


def test_labkit_emulator_interrupt_warns_and_says_what_comes_next(
    local_aws: LocalAws, session: boto3.Session, deploy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = group_instance(session, deploy())

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
