"""`labkit check LabBatch` after a learner deleted one of the stack's resources by hand: the item names what
the stack lists and no longer exists, and the hint rebuilds the lab (a redeploy changes nothing), never the
step hint written for a starter that does not build it; --submit says why it submitted nothing."""

from __future__ import annotations

import time
from collections.abc import Callable

import boto3
import pytest

from labs.batch.check import check
from labs.checks.report import CheckReport, Outcome
from labs.checks.waiting import Waiter
from tests.check_helpers import _no_progress as quiet
from tests.check_helpers import item, physical_id_of

pytestmark = pytest.mark.emulator


def waiter() -> Waiter:
    return Waiter(timeout_s=60.0, poll_s=0.3, sleep=time.sleep, clock=time.monotonic, progress=quiet)


def rebuild(stack: str) -> str:
    """The hint that rebuilds an owner's LabBatch: `t1a2b3c-LabBatch` is owner t1a2b3c's."""
    owner = stack.removesuffix("-LabBatch")
    lab = f"LabBatch -c owner={owner}"
    return f"rebuild the lab: `cdk destroy {lab}`, then `cdk deploy {lab}`"


def assert_deleted_by_hand(report: CheckReport, name: str, physical_id: str, stack: str) -> None:
    found = item(report, name)
    assert found.outcome is Outcome.FAIL
    assert found.detail == f"the stack lists {physical_id}, but it no longer exists (deleted by hand?)"
    assert found.hint == rebuild(stack)


def test_a_job_queue_deleted_by_hand_is_named_and_submit_says_why_nothing_was_submitted(
    session: boto3.Session, deploy_lab: Callable[[], str]
) -> None:
    stack = deploy_lab()
    batch = session.client("batch")
    queue = physical_id_of(session, stack, "", "AWS::Batch::JobQueue")
    batch.update_job_queue(jobQueue=queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=queue)

    report = check(session, stack_name=stack, on_emulator=True, submit=True, waiter=waiter())

    assert_deleted_by_hand(report, "Job queue", queue, stack)
    submitted = item(report, "Array job submitted")
    assert submitted.outcome is Outcome.FAIL
    assert submitted.detail.startswith("nothing submitted: the lab has no usable job queue to submit to")


def test_a_job_definition_deregistered_by_hand_is_named_not_the_step_that_writes_it(
    session: boto3.Session, deploy_lab: Callable[[], str]
) -> None:
    stack = deploy_lab()
    definition = physical_id_of(session, stack, "", "AWS::Batch::JobDefinition")
    session.client("batch").deregister_job_definition(jobDefinition=definition)

    report = check(session, stack_name=stack, on_emulator=True, submit=True, waiter=waiter())

    assert_deleted_by_hand(report, "Job definition", definition, stack)
    assert "Step 1" not in item(report, "Job definition").hint
    assert "active job definition" in item(report, "Array job submitted").detail


def test_a_bucket_deleted_by_hand_is_named_before_any_job_is_submitted(
    session: boto3.Session, deploy_lab: Callable[[], str]
) -> None:
    stack = deploy_lab()
    bucket = physical_id_of(session, stack, "", "AWS::S3::Bucket")
    s3 = session.client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for listed in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=listed["Key"])
    s3.delete_bucket(Bucket=bucket)

    report = check(session, stack_name=stack, on_emulator=True, submit=True, waiter=waiter())

    assert_deleted_by_hand(report, "Bucket", bucket, stack)
    assert "aws s3 cp" not in " ".join(i.hint for i in report.items)
    assert "bucket" in item(report, "Array job submitted").detail
    queue = physical_id_of(session, stack, "", "AWS::Batch::JobQueue")
    listed = session.client("batch").list_jobs(jobQueue=queue, jobStatus="SUCCEEDED")["jobSummaryList"]
    assert (
        not listed + session.client("batch").list_jobs(jobQueue=queue, jobStatus="FAILED")["jobSummaryList"]
    )
