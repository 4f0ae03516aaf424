"""`labkit check LabBatch` on the kit's emulator, against the synthesized lab: it passes once the array job
ran (--submit submits it), and fails with a hint naming the hands-on's step when there is none, when a child
failed (its reason, its log and the fix) and when a job is left waiting."""

from __future__ import annotations

import time
from collections.abc import Callable

import boto3
import pytest

from labs.batch import spec
from labs.batch.check import check, restore_command
from labs.checks.report import Outcome
from labs.checks.waiting import Waiter
from tests.check_helpers import _no_progress as quiet
from tests.check_helpers import item

pytestmark = pytest.mark.emulator


def waiter() -> Waiter:
    return Waiter(timeout_s=60.0, poll_s=0.3, sleep=time.sleep, clock=time.monotonic, progress=quiet)


def bucket_of(session: boto3.Session, stack: str) -> str:
    resources = session.client("cloudformation").list_stack_resources(StackName=stack)[
        "StackResourceSummaries"
    ]
    return next(r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::S3::Bucket")


def test_the_check_submits_the_array_job_and_passes(
    session: boto3.Session, deploy_lab: Callable[[], str]
) -> None:
    stack = deploy_lab()
    report = check(session, stack_name=stack, on_emulator=True, submit=True, waiter=waiter())

    assert report.passed, [(i.name, i.detail, i.hint) for i in report.items]
    assert f"all {spec.ARRAY_SIZE} children" in item(report, "Array job").detail
    assert "one per input" in item(report, "Results").detail
    assert "FARGATE, maxvCpus 4, in 2 public subnets" in item(report, "Compute environment").detail
    assert "ARM64, 0.25 vCPU / 512 MiB, public IP" in item(report, "Job definition").detail
    # a second check reads that job again instead of submitting another
    again = check(session, stack_name=stack, on_emulator=True, waiter=waiter())
    assert again.passed
    assert item(again, "Array job").detail == item(report, "Array job").detail


def test_without_an_array_job_the_check_names_the_step_that_submits_it(
    session: boto3.Session, deploy_lab: Callable[[], str]
) -> None:
    report = check(session, stack_name=deploy_lab(), on_emulator=True, waiter=waiter())

    found = item(report, "Array job")
    assert found.outcome is Outcome.FAIL
    assert found.detail.startswith("no array job was submitted")
    assert found.hint.startswith("Step 2 of the hands-on (submit the array job")
    assert "--submit" in found.hint


def test_a_failed_child_is_named_with_its_reason_its_log_and_the_fix(
    session: boto3.Session, deploy_lab: Callable[[], str]
) -> None:
    stack = deploy_lab()
    bucket = bucket_of(session, stack)
    session.client("s3").delete_object(Bucket=bucket, Key=spec.input_key(3))

    report = check(session, stack_name=stack, on_emulator=True, submit=True, waiter=waiter())

    assert not report.passed
    found = item(report, "Array job")
    assert found.outcome is Outcome.FAIL
    assert (
        "FAILED: 1 of 10 children failed; child 3: Essential container in task exited, exit code 2"
        in found.detail
    )
    assert f"s3://{bucket}/{spec.input_key(3)} does not exist" in found.detail
    assert found.hint.startswith(
        "Step 3 of the hands-on (watch the children's states and read a child's log)"
    )
    assert "--log-stream-name child/default/" in found.hint
    assert restore_command(3, bucket) in found.hint


def test_a_job_left_runnable_is_named_with_its_reason_and_the_fix(
    session: boto3.Session, deploy_lab: Callable[[], str]
) -> None:
    stack = deploy_lab()
    assert check(session, stack_name=stack, on_emulator=True, submit=True, waiter=waiter()).passed
    batch = session.client("batch")
    queue = next(
        r["PhysicalResourceId"]
        for r in session.client("cloudformation").list_stack_resources(StackName=stack)[
            "StackResourceSummaries"
        ]
        if r["ResourceType"] == "AWS::Batch::JobQueue"
    )
    definition = batch.describe_job_definitions(status="ACTIVE")["jobDefinitions"][-1]["jobDefinitionArn"]
    stuck = batch.submit_job(
        jobName="too-big",
        jobQueue=queue,
        jobDefinition=definition,
        containerOverrides={"resourceRequirements": [{"type": "VCPU", "value": "8"}]},
    )["jobId"]
    time.sleep(1.0)

    report = check(session, stack_name=stack, on_emulator=True, waiter=waiter())

    found = item(report, "Nothing left in the queue")
    assert found.outcome is Outcome.FAIL
    assert f"too-big {stuck} is RUNNABLE (MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE" in found.detail
    assert f"aws batch terminate-job --job-id {stuck}" in found.hint
    batch.terminate_job(jobId=stuck, reason="test over")
