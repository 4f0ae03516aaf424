"""What "LabBatch works" means: Fargate capacity in public subnets behind its queue, a job definition with the
lab's facts, the last array job SUCCEEDED with every child and one fresh result per index, and nothing of the
queue still waiting or running. With --submit the check submits that array job itself and waits for it.

It reads what Batch shows the same way on AWS and on the emulator (which really runs each child).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from labs.batch import jobs, spec
from labs.batch.definition import check_compute_environment, check_job_definition, check_queue
from labs.batch.jobs import Child
from labs.catalogue.s3 import BUCKET
from labs.checks.gone import report_gone
from labs.checks.report import CheckReport
from labs.checks.stack_items import begin_report
from labs.checks.steps import step_hint
from labs.checks.waiting import Waiter
from labs.deployed.session import unless_gone
from labs.deployed.stack import DeployedStack

if TYPE_CHECKING:
    import boto3

ARRAY_JOB = "Array job"
RESULTS = "Results"


def hint(number: int, todo: str) -> str:
    """The hint that points to the lab's hands-on step of that number."""
    return step_hint(spec.STEPS, number, todo)


def check(
    session: boto3.Session,
    *,
    stack_name: str,
    on_emulator: bool,
    submit: bool = False,
    waiter: Waiter | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Check LabBatch: its capacity, queue and job definition, then its last array job and the results."""
    report, stack = begin_report(spec.LAB_ID, session, stack_name, on_emulator=on_emulator, now=now)
    if stack is None:
        return report
    batch = session.client("batch")
    environment = check_compute_environment(report, session, stack)
    queue = check_queue(report, batch, stack, environment)
    definition = check_job_definition(report, batch, stack)
    bucket_gone = check_bucket_gone(report, session.client("s3"), stack)
    missing = [
        what
        for what, there in (
            ("usable job queue", queue is not None),
            ("active job definition", definition is not None),
            ("bucket (its inputs)", not bucket_gone),
        )
        if not there
    ]
    if queue is None or definition is None or missing:
        if submit:
            report.add(
                "Array job submitted",
                False,
                f"nothing submitted: the lab has no {' and no '.join(missing)} to submit to",
                hint="fix what the items above say, then check again with --submit",
            )
        return report
    waiter = waiter or Waiter.for_run(on_emulator=on_emulator)
    if submit:
        submitted = batch.submit_job(
            jobName=spec.JOB_NAME,
            jobQueue=queue,
            jobDefinition=definition["jobDefinitionArn"],
            arrayProperties={"size": spec.ARRAY_SIZE},
        )
        report.add("Array job submitted", True, f"job {submitted['jobId']}: {spec.ARRAY_SIZE} children")
    bucket = stack.physical_id("AWS::S3::Bucket") or "<the lab's bucket>"
    parent = check_array_job(report, session, queue, definition, waiter, bucket=bucket)
    if parent is not None:
        check_results(report, session, stack, parent)
    check_nothing_waiting(report, batch, queue, done=parent["jobId"] if parent else None)
    if on_emulator:
        report.notes.append(
            "On the emulator each child ran as a process of the kit's Python (no image pulled) within a "
            "second; "
            "on Fargate a task takes a minute or so to start, and bills from its image download."
        )
    return report


def check_bucket_gone(report: CheckReport, s3: Any, stack: DeployedStack) -> bool:
    """True, with a failed item, when the stack lists a bucket that was deleted by hand: every child would
    fail reading its input, and putting an input back fails too (NoSuchBucket)."""
    bucket = stack.physical_id(BUCKET.cfn_type)
    if not bucket or unless_gone(s3.head_bucket, gone_codes=BUCKET.leftovers.gone_codes, Bucket=bucket):
        return False
    report_gone(report, "Bucket", bucket)
    return True


def check_array_job(
    report: CheckReport,
    session: boto3.Session,
    queue: str,
    definition: dict[str, Any],
    waiter: Waiter,
    *,
    bucket: str,
) -> dict[str, Any] | None:
    """The queue's last array job, waited for: SUCCEEDED with every child; the job, or None when there is none
    or it is not done."""
    batch = session.client("batch")
    last = jobs.last_array_job(batch, queue)
    submit = (
        f"submit it: the stack's SubmitCommand output, or `labkit check {report.lab_id} --submit` "
        f"({spec.ARRAY_SIZE} children)"
    )
    if last is None:
        report.add(ARRAY_JOB, False, f"no array job was submitted to {queue}", hint=hint(2, submit))
        return None
    parent = jobs.wait_until_done(batch, last["jobId"], waiter)
    if parent is None:
        report.add(
            ARRAY_JOB,
            False,
            f"job {last['jobId']} is not done after {waiter.timeout_s:.0f} s",
            hint=hint(
                3, f"watch its children (the WatchCommand output) and check again once it is done; {submit}"
            ),
        )
        return None
    children = jobs.children(batch, parent)
    failed = [child for child in children if child.status != "SUCCEEDED"]
    size = len(children)
    if parent["status"] == "SUCCEEDED" and not failed and size >= spec.ARRAY_SIZE:
        report.add(ARRAY_JOB, True, f"job {parent['jobId']} SUCCEEDED: all {size} children")
        return parent
    if not failed:
        report.add(
            ARRAY_JOB,
            False,
            f"job {parent['jobId']} has {size} children, not {spec.ARRAY_SIZE}: one per input",
            hint=hint(2, f"submit it with --array-properties size={spec.ARRAY_SIZE}"),
        )
        return None
    group = log_group_of(definition)
    first = failed[0]
    lines = jobs.log_tail(session.client("logs"), group, first.log_stream)
    printed = f"; its log ends: {' | '.join(lines)}" if lines else ""
    report.add(
        ARRAY_JOB,
        False,
        f"job {parent['jobId']} {parent['status']}: {len(failed)} of {size} children failed; child "
        f"{first.index}: {first.why}{printed}",
        hint=hint(3, failure_fix(first, group, bucket)),
    )
    return None


def restore_command(index: int, bucket: str) -> str:
    """A command that puts input `index` back as the stack wrote it."""
    text = spec.input_csv(index).replace("\n", "\\n")
    return f"printf '{text}' | aws s3 cp - s3://{bucket}/{spec.input_key(index)}"


def failure_fix(child: Child, group: str, bucket: str) -> str:
    """What to do about a failed child: read its log, and the fix its reason points to."""
    read = (
        f"read its log: aws logs get-log-events --log-group-name {group} --log-stream-name "
        f"{child.log_stream} "
        "--query 'events[].message' --output text"
        if child.log_stream
        else f"aws batch describe-jobs --jobs {child.job_id}"
    )
    if "CannotPullContainerError" in child.reason:
        cause = (
            "the task could not pull its image: give the job a public IP (assign_public_ip=True) in a subnet "
            "routed to the internet gateway; without one it needs a NAT gateway ($0.045/h)"
        )
    elif child.exit_code == spec.BAD_INPUT_EXIT_CODE:
        cause = (
            f"input {spec.input_key(child.index)} is missing or not the expected CSV ({spec.INPUT_HEADER}); "
            f"a redeploy does not write it again, put it back: {restore_command(child.index, bucket)}, then "
            "submit the array job again"
        )
    elif "timeout" in child.status_reason:
        cause = f"it ran longer than its timeout ({spec.ATTEMPT_TIMEOUT_S} s): find what it waited for"
    else:
        cause = "fix what the log says, then submit the array job again"
    return f"{read}; {cause}"


def log_group_of(definition: dict[str, Any]) -> str:
    """The log group the job definition's awslogs driver writes to (Batch's default without one)."""
    container = definition.get("containerProperties") or {}
    options = (container.get("logConfiguration") or {}).get("options") or {}
    return str(options.get("awslogs-group") or "/aws/batch/job")


def check_results(
    report: CheckReport, session: boto3.Session, stack: DeployedStack, parent: dict[str, Any]
) -> None:
    """One result per index, written since the array job was created, as many orders as its input has."""
    bucket = stack.physical_id("AWS::S3::Bucket")
    if not bucket:
        report.add(RESULTS, False, "the stack has no bucket", hint="redeploy the lab")
        return
    s3 = session.client("s3")
    created = datetime.fromtimestamp(int(parent["createdAt"]) / 1000, UTC)
    size = int((parent.get("arrayProperties") or {}).get("size") or spec.ARRAY_SIZE)
    listed = {
        item["Key"]: item
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=spec.RESULT_PREFIX)
        for item in page.get("Contents", [])
    }
    problems = []
    for index in range(size):
        key = spec.result_key(index)
        item = listed.get(key)
        if item is None:
            problems.append(f"{key} is missing")
        elif item["LastModified"] < created.replace(microsecond=0):
            problems.append(f"{key} is older than the job")
        elif (orders := result_orders(s3, bucket, key)) != spec.ROWS_PER_INPUT:
            problems.append(f"{key} counts {orders} orders, its input {spec.ROWS_PER_INPUT}")
    report.add(
        RESULTS,
        not problems,
        "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        if problems
        else f"{size} results in s3://{bucket}/{spec.RESULT_PREFIX}, one per input, each from its own input",
        hint=hint(
            4, f"each child writes {spec.result_key(0).replace('0000', '<index>')}: aws s3 ls s3://{bucket}/"
        ),
    )


def result_orders(s3: Any, bucket: str, key: str) -> int | None:
    """The number of orders a result file counts (the sum of its `orders` column), None when unreadable."""
    text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8", errors="replace")
    rows = [line.split(",") for line in text.splitlines()[1:] if line]
    try:
        return sum(int(row[1]) for row in rows)
    except (IndexError, ValueError):
        return None


def check_nothing_waiting(report: CheckReport, batch: Any, queue: str, *, done: str | None) -> None:
    """No job left in the queue: a RUNNABLE one names why it waits, a running one how to stop it."""
    left = [
        job
        for job in jobs.queue_jobs(batch, queue, jobs.WAITING)
        if not str(job["jobId"]).startswith(f"{done}:") and job["jobId"] != done
    ]
    if not left:
        report.add("Nothing left in the queue", True, "no job is waiting, starting or running")
        return
    first = left[0]
    reason = first.get("statusReason") or "waiting for capacity"
    fix = f"aws batch terminate-job --job-id {first['jobId']} --reason 'left over'"
    if "MISCONFIGURATION" in reason:
        fix = (
            f"it asks more than the compute environment can ever give (maxvCpus {spec.MAX_VCPUS}): {fix}, "
            "then "
            f"ask for {spec.CHILD_VCPUS} vCPU; the queue cancels it after {spec.RUNNABLE_LIMIT_S // 60} "
            "minutes"
        )
    report.add(
        "Nothing left in the queue",
        False,
        f"{len(left)} job(s) left: {first['jobName']} {first['jobId']} is {first['status']} ({reason})",
        hint=fix,
    )
