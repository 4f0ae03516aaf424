"""`labkit check LabStepFunction` on moto: an execution's outcome, its CSV row, and what the emulator ran."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from csv_writer.batch import write_direct_input
from labs.checks.report import Outcome
from labs.step_function.check import check, flow_problems
from tests.check_helpers import NOW, FakeClock, deploy, item, lab_tags, mocked_session, outcomes, physical_id

TAGS = lab_tags("LabStepFunction")
ACCOUNT, REGION = "123456789012", "us-east-1"


def trust(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }


def definition_string(wait_seconds: int) -> dict[str, Any]:
    """The definition as the CDK writes it: JSON text joined around the writer's ARN."""
    head = json.dumps(
        {
            "StartAt": "WaitFiveSeconds",
            "States": {
                "WaitFiveSeconds": {"Type": "Wait", "Seconds": wait_seconds, "Next": "WriteCsv"},
                "WriteCsv": {
                    "Next": "Done",
                    "Catch": [
                        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "WriteFailed"}
                    ],
                    "Type": "Task",
                    "Resource": "@",
                },
                "Done": {"Type": "Succeed"},
                "WriteFailed": {"Type": "Fail", "Error": "CsvWriteFailed"},
            },
        }
    )
    before, after = head.split("@")
    return {"Fn::Join": ["", [before, {"Fn::GetAtt": ["CsvWriterFunction06C2FB96", "Arn"]}, after]]}


def step_function_lab(wait_seconds: int = 5) -> dict[str, Any]:
    return {
        "CsvWriterOutputBucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": TAGS}},
        "CsvWriterRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": trust("lambda.amazonaws.com")},
        },
        "CsvWriterFunction06C2FB96": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "csv_writer.handler.handler",
                "Role": {"Fn::GetAtt": ["CsvWriterRole", "Arn"]},
                "Code": {"ZipFile": "def handler(event, context):\n    return {}\n"},
            },
        },
        "StateMachineRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": trust("states.amazonaws.com")},
        },
        "StateMachine": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "DefinitionString": definition_string(wait_seconds),
                "RoleArn": {"Fn::GetAtt": ["StateMachineRole", "Arn"]},
                "Tags": TAGS,
            },
        },
    }


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    """Step Functions as in moto's default: executions start, and stay RUNNING unless a test finishes them."""
    with pytest.MonkeyPatch.context() as monkeypatch, mocked_session(monkeypatch) as mocked:
        for owner in ("done", "stuck", "nooutput", "slow", "emulated"):
            deploy(mocked, f"{owner}-LabStepFunction", step_function_lab(), tags=TAGS)
        deploy(mocked, "changed-LabStepFunction", step_function_lab(wait_seconds=10), tags=TAGS)
        yield mocked


def finish_executions(session: boto3.Session, *, writes_csv: bool) -> None:
    """What AWS does meanwhile: runs each execution's writer with its input and records its output."""
    from moto.stepfunctions.models import stepfunctions_backends

    for machine in stepfunctions_backends[ACCOUNT][REGION].state_machines:
        for execution in machine.executions:
            if execution.status != "RUNNING":
                continue
            output: dict[str, Any] = {"rows": 0}
            if writes_csv:
                bucket = physical_id(session, machine.name.split("-StateMachine")[0], "CsvWriterOutputBucket")
                payload = json.loads(execution.execution_input)
                output = write_direct_input(payload, bucket=bucket, s3_client=session.client("s3")).output()
            execution.status, execution.output = "SUCCEEDED", json.dumps(output)


def test_a_succeeded_execution_and_its_row_pass(session: boto3.Session) -> None:
    clock = FakeClock(on_sleep=lambda: finish_executions(session, writes_csv=True))

    report = check(
        session,
        stack_name="done-LabStepFunction",
        on_emulator=False,
        waiter=clock.waiter(),
        user_id="u-sf-1",
        now=NOW,
    )

    assert {name: o for name, o in outcomes(report).items() if name != "Auto-expiry"} == {
        "Stack deployed": Outcome.PASS,
        "State machine": Outcome.PASS,
        "Definition": Outcome.PASS,
        "Execution": Outcome.PASS,
        "CSV row in the bucket": Outcome.PASS,
    }
    assert "WaitFiveSeconds (Wait 5 s) -> WriteCsv (Task invoking" in item(report, "Definition").detail
    assert "read from DescribeStateMachine" in item(report, "Definition").detail
    assert "SUCCEEDED after 5 s" in item(report, "Execution").detail
    assert (
        "userId=u-sf-1, name=Grace Hopper, email=grace@example.com"
        in item(report, "CSV row in the bucket").detail
    )
    assert not report.notes


def test_an_execution_that_never_finishes_fails_at_the_time_limit(session: boto3.Session) -> None:
    clock = FakeClock()

    report = check(
        session, stack_name="stuck-LabStepFunction", on_emulator=False, waiter=clock.waiter(30), now=NOW
    )

    execution = item(report, "Execution")
    assert execution.outcome is Outcome.FAIL
    assert "still running after 30 s" in execution.detail
    assert "get-execution-history" in execution.hint
    assert "CSV row in the bucket" not in outcomes(report)


def test_a_failed_execution_fails_with_where_to_look(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SF_EXECUTION_HISTORY_TYPE", "FAILURE")  # moto then fails every execution

    report = check(
        session, stack_name="slow-LabStepFunction", on_emulator=False, waiter=FakeClock().waiter(), now=NOW
    )

    assert item(report, "Execution").outcome is Outcome.FAIL
    assert "FAILED" in item(report, "Execution").detail
    assert not report.passed


def test_a_succeeded_execution_without_a_csv_object_fails(session: boto3.Session) -> None:
    clock = FakeClock(on_sleep=lambda: finish_executions(session, writes_csv=False))

    report = check(
        session, stack_name="nooutput-LabStepFunction", on_emulator=False, waiter=clock.waiter(), now=NOW
    )

    assert item(report, "Execution").outcome is Outcome.PASS
    assert item(report, "CSV row in the bucket").outcome is Outcome.FAIL
    assert "names no CSV object" in item(report, "CSV row in the bucket").detail


def test_a_changed_definition_fails(session: boto3.Session) -> None:
    clock = FakeClock(on_sleep=lambda: finish_executions(session, writes_csv=True))

    report = check(
        session, stack_name="changed-LabStepFunction", on_emulator=False, waiter=clock.waiter(), now=NOW
    )

    assert item(report, "Definition").outcome is Outcome.FAIL
    assert "the first state is not Wait 5 s" in item(report, "Definition").detail


def test_a_state_machine_step_functions_cannot_see_fails_and_starts_nothing(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.core.config import default_user_config

    # moto without the kit's parity fix: CloudFormation's machine is invisible to Step Functions' API
    monkeypatch.setitem(default_user_config, "stepfunctions", {"execute_state_machine": True})

    report = check(
        session, stack_name="emulated-LabStepFunction", on_emulator=True, user_id="u-sf-2", now=NOW
    )

    state_machine = item(report, "State machine")
    assert state_machine.outcome is Outcome.FAIL
    assert "Step Functions says it does not exist" in state_machine.detail
    assert "Execution" not in outcomes(report)
    assert not report.passed


def test_a_task_calling_another_function_is_reported() -> None:
    states = {
        "StartAt": "W",
        "States": {
            "W": {"Type": "Wait", "Seconds": 5, "Next": "T"},
            "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:Other", "Next": "D"},
            "D": {"Type": "Succeed"},
        },
    }

    _steps, problems = flow_problems(
        states, ["LabStepFunction-CsvWriterFunction-ABC", "CsvWriterFunction06C2FB96"]
    )

    assert problems == ["the task invokes Other, not the lab's CSV writer"]
