"""Step Functions parity: a stack's state machine is listed and executes, and goes with its stack."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3

from labs.classroom.rehearsal import create_admin_role
from tests.local_aws.services.stacks import deploy, python_function

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


LEARNER = "510987654321"


class _AccountSession(boto3.Session):
    """A session of another account's credentials whose clients talk to the emulator."""

    def __init__(self, endpoint: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._endpoint = endpoint

    def client(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("endpoint_url", self._endpoint)
        return super().client(*args, **kwargs)


def test_a_state_machine_in_another_account_invokes_its_own_function(session: boto3.Session) -> None:
    teacher = session.client("sts").get_caller_identity()["Account"]
    role = create_admin_role(session, LEARNER, trusted_account=teacher, role="ParityStates")
    credentials = session.client("sts").assume_role(RoleArn=role, RoleSessionName="parity")["Credentials"]
    learner = _AccountSession(
        session.client("sts").meta.endpoint_url,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=session.region_name,
    )
    function = python_function(learner, "def handler(event, context):\n    return {'seen': event['n']}\n")
    function_arn = learner.client("lambda").get_function(FunctionName=function)["Configuration"][
        "FunctionArn"
    ]
    definition = {
        "StartAt": "Invoke",
        "States": {
            "Invoke": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function_arn, "Payload": {"n": 7}},
                "OutputPath": "$.Payload",
                "End": True,
            }
        },
    }
    states = learner.client("stepfunctions")
    machine = states.create_state_machine(
        name="parity-cross-account", definition=json.dumps(definition), roleArn=role
    )["stateMachineArn"]

    result = wait_for_execution(states, states.start_execution(stateMachineArn=machine)["executionArn"])

    assert f":{LEARNER}:" in function_arn
    assert (result["status"], json.loads(result.get("output", "null"))) == ("SUCCEEDED", {"seen": 7})
