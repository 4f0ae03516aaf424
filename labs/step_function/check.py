"""What "LabStepFunction works" means: an execution with a sample user succeeds (Wait 5 s, the function,
Succeed); the function prints its input (the hands-on's step 1: the user shows in its log) and writes it
as a CSV row into the lab bucket (step 2), each step graded on its own. The function is the kit's CSV
writer, or the learner's own handler (`-c handlerCode=<dir>`): on a real account and on the emulator alike
(the emulator runs the state machine and the function's deployed code).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.checks.gone import report_gone
from labs.checks.report import CheckReport
from labs.checks.stack_items import begin_report
from labs.checks.waiting import Waiter
from labs.deployed.session import error_code
from labs.deployed.stack import DeployedStack
from labs.function_labs import steps as function_steps
from labs.function_labs.steps import WRITER_PREFIX
from labs.step_function.spec import LAB_ID, STEPS, WAIT_SECONDS, sample_input

if TYPE_CHECKING:
    import boto3

STATE_MACHINE_TYPE = "AWS::StepFunctions::StateMachine"
FINISHED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


@dataclass(frozen=True)
class Definition:
    """The state machine's definition and where the check read it."""

    states: dict[str, Any]
    source: str


@dataclass(frozen=True)
class Execution:
    """A state machine execution as the check saw it end."""

    arn: str
    status: str
    output: str | None
    error: str


def check(
    session: boto3.Session,
    *,
    stack_name: str,
    on_emulator: bool,
    waiter: Waiter | None = None,
    user_id: str | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Check LabStepFunction: its state machine's definition, and one execution that writes a row."""
    report, stack = begin_report(LAB_ID, session, stack_name, on_emulator=on_emulator, now=now)
    if stack is None:
        return report
    arn = stack.physical_id(STATE_MACHINE_TYPE)
    bucket = stack.physical_id("AWS::S3::Bucket")
    if not arn or not bucket:
        report.add(
            "State machine", False, "the stack has no state machine or no bucket", hint="redeploy the lab"
        )
        return report
    sfn = session.client("stepfunctions")
    definition = read_definition(report, sfn, arn)
    if definition is None:
        return report
    check_definition(report, definition, writer_refs(stack))
    payload = sample_input(user_id or f"labkit-check-{uuid.uuid4().hex[:8]}")
    waiter = waiter or Waiter.for_run(on_emulator=on_emulator)
    function_name = stack.physical_id("AWS::Lambda::Function", logical_prefix=WRITER_PREFIX)
    lambda_client = session.client("lambda")
    function = function_steps.writer_function(lambda_client, function_name) if function_name else None
    if function_name and function is None:
        report_gone(report, "Function", function_name)
        return report
    before = function_steps.object_etags(session.client("s3"), bucket)
    since_ms = int(time.time() * 1000)
    execution = run_execution(report, sfn, arn, payload, waiter)
    if execution is not None and function is not None:
        seen = function_steps.wait_for_steps(
            session,
            log_group=function_steps.log_group_of(function),
            bucket=bucket,
            user_id=payload["userId"],
            since_ms=since_ms,
            before=before,
            waiter=waiter,
        )
        function_steps.report_steps(
            report, STEPS, seen, user_id=payload["userId"], bucket=bucket, what="the input"
        )
    return report


def read_definition(report: CheckReport, sfn: Any, arn: str) -> Definition | None:
    """The state machine's definition, or None with a failed item saying why."""
    try:
        described = sfn.describe_state_machine(stateMachineArn=arn)
    except ClientError as error:
        if error_code(error) != "StateMachineDoesNotExist":
            raise
        report.add(
            "State machine",
            False,
            f"CloudFormation lists {arn}, but Step Functions says it does not exist",
            hint="redeploy the lab",
        )
        return None
    report.add(
        "State machine",
        described.get("status") == "ACTIVE",
        f"{described['name']} is {described.get('status')}",
        hint="redeploy the lab",
    )
    return Definition(json.loads(described["definition"]), "DescribeStateMachine")


def writer_refs(stack: DeployedStack) -> list[str]:
    """How a definition names the CSV writer: its function name (API) or its logical id (template)."""
    writers = [r for r in stack.of_type("AWS::Lambda::Function") if r.logical_id.startswith(WRITER_PREFIX)]
    return [ref for r in writers for ref in (r.physical_id, r.logical_id)]


def invoked_function(task: dict[str, Any]) -> str:
    """The function a Lambda task calls: its Resource (direct ARN) or lambda:invoke's FunctionName."""
    resource = str(task.get("Resource", ""))
    name = (
        task.get("Parameters", {}).get("FunctionName", resource) if "lambda:invoke" in resource else resource
    )
    return str(name).split(":function:")[-1]


def flow_problems(states: dict[str, Any], writer: list[str]) -> tuple[list[str], list[str]]:
    """(the path from StartAt as readable steps, what differs from Wait 5 s -> writer -> Succeed)."""
    table = states.get("States", {})
    wait = table.get(states.get("StartAt", ""), {})
    task = table.get(wait.get("Next", ""), {})
    done = table.get(task.get("Next", ""), {})
    function = invoked_function(task)
    steps = [
        f"{states.get('StartAt')} (Wait {wait.get('Seconds')} s)",
        f"{wait.get('Next')} ({task.get('Type')} invoking {function})",
        f"{task.get('Next')} ({done.get('Type')})",
    ]
    problems = []
    if wait.get("Type") != "Wait" or wait.get("Seconds") != WAIT_SECONDS:
        problems.append(f"the first state is not Wait {WAIT_SECONDS} s")
    if task.get("Type") != "Task":
        problems.append("the second state is not a Task")
    elif not any(ref and ref in function for ref in writer):
        problems.append(f"the task invokes {function}, not the lab's CSV writer")
    if done.get("Type") != "Succeed":
        problems.append("the writer is not followed by a Succeed state")
    catchers = [c.get("Next") for c in task.get("Catch", [])]
    if catchers:
        steps.append(f"errors -> {', '.join(catchers)}")
    return steps, problems


def check_definition(report: CheckReport, definition: Definition, writer: list[str]) -> None:
    """Check the state machine's flow, as its definition reads, and that it calls the writer."""
    steps, problems = flow_problems(definition.states, writer)
    report.add(
        "Definition",
        not problems,
        f"{' -> '.join(steps[:3])}{'; ' + steps[3] if len(steps) > 3 else ''} (read from {definition.source})"
        if not problems
        else f"{'; '.join(problems)} (read from {definition.source})",
        hint="redeploy the lab to restore its definition",
    )


def run_execution(
    report: CheckReport, sfn: Any, arn: str, payload: dict[str, str], waiter: Waiter
) -> Execution | None:
    """Start an execution and wait for it to end; None when it did not."""
    name = f"labkit-check-{uuid.uuid4().hex[:12]}"
    execution_arn = sfn.start_execution(stateMachineArn=arn, name=name, input=json.dumps(payload))[
        "executionArn"
    ]

    def probe() -> tuple[Execution | None, str]:
        described = sfn.describe_execution(executionArn=execution_arn)
        status = described["status"]
        if status not in FINISHED:
            return None, status
        error = f"{described.get('error', '')}: {described.get('cause', '')}".strip(": ")
        return Execution(execution_arn, status, described.get("output"), error), f"{name} {status}"

    waited = waiter.until(probe, what=f"waiting for execution {name}")
    history = f"aws stepfunctions get-execution-history --execution-arn {execution_arn}"
    execution = waited.value
    if execution is None:
        report.add(
            "Execution",
            False,
            f"{name} still running after {waited.elapsed_s:.0f} s",
            hint=f"see where it waits: {history}; or rerun with a longer --timeout",
        )
        return None
    report.add(
        "Execution",
        execution.status == "SUCCEEDED",
        f"{name} {execution.status} after {waited.elapsed_s:.0f} s"
        + (f" ({execution.error})" if execution.error else ""),
        hint=f"read the failed step: {history}; and the writer's log group",
    )
    return execution
