"""Step Functions parity: a stack's state machine is listed and executes, and goes with its stack."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3

from tests.labs.emulator.parity import deploy

STATE_MACHINE = {
    "StartAt": "Done",
    "States": {"Done": {"Type": "Pass", "Result": {"written": True}, "End": True}},
}


def test_a_stack_state_machine_is_listed_and_executes(session: boto3.Session) -> None:
    stack = deploy(
        session,
        {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": json.dumps(STATE_MACHINE),
                    "RoleArn": "arn:aws:iam::123456789012:role/states",
                },
            }
        },
        outputs={"MachineArn": {"Value": {"Ref": "Machine"}}},
    )
    states = session.client("stepfunctions")
    outputs = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    arn = outputs[0]["OutputValue"]
    execution = states.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    result = wait_for_execution(states, execution)
    session.client("cloudformation").delete_stack(StackName=stack)

    assert (result["status"], json.loads(result["output"])) == ("SUCCEEDED", {"written": True})
    assert arn not in [m["stateMachineArn"] for m in states.list_state_machines()["stateMachines"]]


def wait_for_execution(states: Any, execution: str) -> dict[str, Any]:
    for _ in range(50):
        result: dict[str, Any] = states.describe_execution(executionArn=execution)
        if result["status"] != "RUNNING":
            return result
        time.sleep(0.1)
    raise AssertionError(f"{execution} still running")
