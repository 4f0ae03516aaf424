"""`labkit check LabStepFunction` on moto: an execution's outcome, its CSV row, and what the emulator ran."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from csv_writer.handler import handler as kit_writer
from labs.checks.report import Outcome
from labs.exercises.starters import starter
from labs.step_function.check import check, flow_problems
from tests.check_helpers import NOW, FakeClock, deploy, item, lab_tags, mocked_session, outcomes, physical_id
from tests.fake_lambda import FakeLambda, Handler, load_handler

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
        for owner in ("done", "stuck", "nooutput", "slow", "emulated", "learner"):
            deploy(mocked, f"{owner}-LabStepFunction", step_function_lab(), tags=TAGS)
        deploy(mocked, "changed-LabStepFunction", step_function_lab(wait_seconds=10), tags=TAGS)
        yield mocked


def does_nothing(_event: Any, _context: Any) -> dict[str, int]:
    return {"rows": 0}


def finish_executions(session: boto3.Session, handler: Handler, monkeypatch: pytest.MonkeyPatch) -> None:
    """What AWS does meanwhile: runs each execution's function with its input and records its output."""
    from moto.stepfunctions.models import stepfunctions_backends

    for machine in stepfunctions_backends[ACCOUNT][REGION].state_machines:
        for execution in machine.executions:
            if execution.status != "RUNNING":
                continue
            stack = machine.name.split("-StateMachine")[0]
            monkeypatch.setenv("BUCKET_NAME", physical_id(session, stack, "CsvWriterOutputBucket"))
            function = FakeLambda(session, physical_id(session, stack, "CsvWriterFunction06C2FB96"), handler)
            output, error = function.invoke(json.loads(execution.execution_input))
            execution.status = "FAILED" if error else "SUCCEEDED"
            execution.output = json.dumps(output)


def test_a_succeeded_execution_and_its_row_pass(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(on_sleep=lambda: finish_executions(session, kit_writer, monkeypatch))

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
        "Event in the function's log": Outcome.PASS,
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


def test_a_succeeded_execution_without_a_csv_object_fails(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(on_sleep=lambda: finish_executions(session, does_nothing, monkeypatch))

    report = check(
        session, stack_name="nooutput-LabStepFunction", on_emulator=False, waiter=clock.waiter(), now=NOW
    )

    assert item(report, "Execution").outcome is Outcome.PASS
    assert item(report, "Event in the function's log").outcome is Outcome.FAIL
    assert item(report, "CSV row in the bucket").outcome is Outcome.FAIL
    assert "the function ran (RequestId:" in item(report, "CSV row in the bucket").detail
    assert item(report, "CSV row in the bucket").hint.startswith("Step 2 of the hands-on (write it to the")


def test_a_changed_definition_fails(session: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock(on_sleep=lambda: finish_executions(session, kit_writer, monkeypatch))

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


@pytest.mark.parametrize("done", ["nothing", "step 1"])
def test_a_learners_handler_is_graded_step_by_step(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, done: str
) -> None:
    """The starter as `labkit exercise` writes it fails both steps; printing the input passes step 1 only."""
    path = starter("LabStepFunction").write(tmp_path)
    if done == "step 1":
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("    return {}", "    print(json.dumps(event))\n    return {}"))
    handler = load_handler(path)
    clock = FakeClock(on_sleep=lambda: finish_executions(session, handler, monkeypatch))

    report = check(
        session, stack_name="learner-LabStepFunction", on_emulator=False, waiter=clock.waiter(), now=NOW
    )

    assert item(report, "Execution").outcome is Outcome.PASS
    event = item(report, "Event in the function's log")
    if done == "step 1":
        assert event.outcome is Outcome.PASS
        assert "shows the input with" in event.detail
    else:
        assert event.outcome is Outcome.FAIL
        assert event.hint.startswith("Step 1 of the hands-on (print the input the state machine sends")
    row = item(report, "CSV row in the bucket")
    assert row.outcome is Outcome.FAIL
    assert row.hint.startswith("Step 2 of the hands-on (write it to the bucket as CSV (boto3 put_object))")
    assert not report.passed
