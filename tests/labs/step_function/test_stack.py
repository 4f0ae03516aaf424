"""LabStepFunction keeps its promises: Wait 5 s -> writer (timeout, retries, catch -> Fail) -> Succeed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from labs.step_function.spec import SAMPLE_INPUT
from tests.pasted import run_pasted
from tests.synth import Template, only, props, resolve, resources


@pytest.fixture(scope="module")
def sfn_template(templates: dict[str, Template]) -> Template:
    return templates["LabStepFunction"]


@pytest.fixture(scope="module")
def definition(sfn_template: Template) -> dict[str, Any]:
    parts = props(only(sfn_template, "AWS::StepFunctions::StateMachine"))["DefinitionString"]["Fn::Join"][1]
    # tokens (partition, function ARN) sit inside the JSON text: name them to parse the rest
    text = "".join(part if isinstance(part, str) else f"<{next(iter(part.values()))}>" for part in parts)
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def test_wait_five_seconds_then_writer_then_succeed(definition: dict[str, Any]) -> None:
    states = definition["States"]
    first = states[definition["StartAt"]]
    assert first == {"Type": "Wait", "Seconds": 5, "Next": "WriteCsv"}
    task = states["WriteCsv"]
    assert task["Type"] == "Task"
    # the writer's own ARN as the resource: its result becomes the state output as is
    writer_arn = task["Resource"]
    assert writer_arn.startswith("<['CsvWriter")
    assert writer_arn.endswith("'Arn']>")
    assert states[task["Next"]] == {"Type": "Succeed"}


def test_task_timeout_retries_and_catch_to_fail(definition: dict[str, Any]) -> None:
    task = definition["States"]["WriteCsv"]
    assert task["TimeoutSeconds"] == 30
    retried = {error for retry in task["Retry"] for error in retry["ErrorEquals"]}
    assert {"Lambda.ServiceException", "Lambda.TooManyRequestsException"} <= retried
    assert all(retry["MaxAttempts"] <= 5 for retry in task["Retry"])
    (catch,) = task["Catch"]
    assert catch["ErrorEquals"] == ["States.ALL"]
    assert definition["States"][catch["Next"]]["Type"] == "Fail"


def test_logs_to_its_own_log_group(sfn_template: Template) -> None:
    machine = props(only(sfn_template, "AWS::StepFunctions::StateMachine"))
    destination = machine["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]
    log_group_id = destination["Fn::GetAtt"][0]
    assert log_group_id in resources(sfn_template, "AWS::Logs::LogGroup")
    assert machine["LoggingConfiguration"]["Level"] == "ALL"


def test_log_group_is_a_vended_logs_group_unique_to_the_stack(sfn_template: Template) -> None:
    """/aws/vendedlogs/ keeps deploys out of the account's size-capped CloudWatch Logs resource policy."""
    machine = props(only(sfn_template, "AWS::StepFunctions::StateMachine"))
    destination = machine["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]
    group = props(sfn_template["Resources"][destination["Fn::GetAtt"][0]])
    parts = group["LogGroupName"]["Fn::Join"][1]
    assert parts[0] == "/aws/vendedlogs/states/LabStepFunction-"
    assert parts[1] == {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}


def test_stands_alone_with_its_own_writer_and_bucket(sfn_template: Template) -> None:
    assert len(resources(sfn_template, "AWS::S3::Bucket")) == 1
    handlers = [props(f)["Handler"] for f in resources(sfn_template, "AWS::Lambda::Function").values()]
    assert "csv_writer.handler.handler" in handlers
    assert resources(sfn_template, "AWS::DynamoDB::Table") == {}


def test_outputs(sfn_template: Template) -> None:
    outputs = sfn_template["Outputs"]
    start = str(outputs["StartExecutionCommand"]["Value"])
    assert "aws stepfunctions start-execution" in start
    assert '"userId":"u-200"' in start
    assert "describe-execution" in str(outputs["ShowResultCommand"]["Value"])


# Step Functions execution names: 1-80 characters, none of whitespace, brackets, wildcards or "#%\\^|~`$&,;:/
EXECUTION_NAME = re.compile(r'^[^\s<>{}\[\]?*"#%\\^|~`$&,;:/]{1,80}$')


def test_each_pasted_start_execution_gets_a_name_of_its_own(sfn_template: Template, tmp_path: Path) -> None:
    """Without --name the emulator calls every run "None" and answers a second start with the first run."""
    (machine_id,) = resources(sfn_template, "AWS::StepFunctions::StateMachine")
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine-abc"
    command = str(resolve(sfn_template["Outputs"]["StartExecutionCommand"]["Value"], {machine_id: arn}))

    run_pasted(command, tmp_path)
    _done, calls = run_pasted(command, tmp_path)  # the fake aws logs the calls of both runs
    assert [call[:2] for call in calls] == [["stepfunctions", "start-execution"]] * 2
    names = [call[call.index("--name") + 1] for call in calls]
    assert all(EXECUTION_NAME.match(name) for name in names), names
    assert names[0] != names[1]
    assert all(call[call.index("--state-machine-arn") + 1] == arn for call in calls)
    assert json.loads(calls[0][calls[0].index("--input") + 1]) == SAMPLE_INPUT
