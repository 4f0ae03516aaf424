"""Each way a lab's descriptor says to exercise it, as the watch runs it: PutItem, StartExecution (waited
for), Invoke (twice for LabColdStart), against the resource the deployed stack names."""

from __future__ import annotations

import io
import json
from typing import Any

from labs.deployed.stack import DeployedStack, StackResource
from labs.registry import lab
from labs.watch.exercise import run_exercise


class Recorder:
    """A boto3 session whose clients record each call and answer as AWS does."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.polls = 0

    def client(self, _service: str) -> Recorder:
        return self

    def put_item(self, **arguments: Any) -> dict[str, Any]:
        self.calls.append(("put_item", arguments))
        return {}

    def start_execution(self, **arguments: Any) -> dict[str, Any]:
        self.calls.append(("start_execution", arguments))
        return {"executionArn": "arn:execution"}

    def describe_execution(self, **_arguments: Any) -> dict[str, Any]:
        self.polls += 1
        done = self.polls > 1
        return {"status": "SUCCEEDED" if done else "RUNNING", "output": '{"rows": 1}'}

    def invoke(self, **arguments: Any) -> dict[str, Any]:
        self.calls.append(("invoke", arguments))
        return {"Payload": io.BytesIO(b'{"ok": true}')}


STACK = DeployedStack(
    name="LabX",
    stack_id="id",
    status="CREATE_COMPLETE",
    tags={},
    resources=(
        StackResource("Users0A0E", "AWS::DynamoDB::Table", "users-table", "CREATE_COMPLETE"),
        StackResource("StateMachine2E01", "AWS::StepFunctions::StateMachine", "arn:sm", "CREATE_COMPLETE"),
        StackResource("HeavyFunction12", "AWS::Lambda::Function", "heavy-fn", "CREATE_COMPLETE"),
        StackResource("LightFunction34", "AWS::Lambda::Function", "light-fn", "CREATE_COMPLETE"),
    ),
)


def exercise(lab_id: str, session: Recorder) -> Any:
    loop = lab(lab_id).handler_loop
    assert loop is not None
    return run_exercise(
        session,  # type: ignore[arg-type]
        STACK,
        loop.exercise,
        user_id="watch-1234",
        timeout_s=5,
        poll_s=0,
        sleep=lambda _s: None,
    )


def test_lab_ddb_stream_puts_a_user_into_its_table() -> None:
    session = Recorder()
    done = exercise("LabDdbStream", session)

    ((call, arguments),) = session.calls
    assert call == "put_item"
    assert arguments["TableName"] == "users-table"
    assert arguments["Item"]["userId"] == {"S": "watch-1234"}
    assert done.did == "put user watch-1234 into users-table"


def test_lab_step_function_starts_an_execution_and_waits_for_its_end() -> None:
    session = Recorder()
    done = exercise("LabStepFunction", session)

    ((call, arguments),) = session.calls
    assert call == "start_execution"
    assert arguments["stateMachineArn"] == "arn:sm"
    assert arguments["name"] == "watch-1234"
    assert json.loads(arguments["input"])["userId"] == "watch-1234"
    assert done.result == 'SUCCEEDED, output {"rows": 1}'
    assert not done.failed


def test_lab_cold_start_invokes_the_light_function_twice() -> None:
    session = Recorder()
    done = exercise("LabColdStart", session)

    assert [(call, arguments["FunctionName"]) for call, arguments in session.calls] == [
        ("invoke", "light-fn"),
        ("invoke", "light-fn"),
    ]
    assert done.result == 'answered: {"ok": true}; answered: {"ok": true}'
