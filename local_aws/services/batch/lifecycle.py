"""The life of one Batch job in the emulator, as AWS Batch's job states page describes it: SUBMITTED until the
scheduler evaluates it; PENDING while a job it depends on has not succeeded; RUNNABLE until its compute
environment has the vCPUs (maxvCpus honoured, first come first placed); STARTING while its task is placed and
its image pulled; RUNNING while its container runs; then SUCCEEDED (exit code 0) or FAILED, or RUNNABLE again
for a retry (retries.py). Each change of state after the submission puts a "Batch Job State Change" event on
the default event bus (Batch user guide, batch_cwe_events). An array job's children each live this life;
the parent is PENDING once a child is RUNNABLE, and SUCCEEDED or FAILED once every child is done
(Batch user guide, array_jobs).
"""

from __future__ import annotations

import functools
import json
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from local_aws.moto_bridge import backend
from local_aws.services.batch import attempts, capacity
from local_aws.services.batch.describe import (
    DONE,
    Attempt,
    array_index,
    children_of,
    detail,
    run_of,
    vcpus_of,
)
from local_aws.services.batch.retries import FAILED, RUNNABLE, SUCCEEDED, next_step

# how often the emulator's scheduler looks at a waiting job (AWS's takes seconds)
TICK_S = 0.3
_parents = threading.Lock()


def now_ms() -> int:
    """Now, in milliseconds since the epoch, as Batch's timestamps are."""
    return int(datetime.now(UTC).timestamp() * 1000)


def set_status(job: Any, status: str, reason: str | None = None) -> None:
    """Move the job to a state, record it, tell EventBridge, and update its array parent."""
    run = run_of(job)
    if reason is not None:
        run.status_reason = reason
    if status in DONE:
        run.stopped_ms = now_ms()
        job.job_stopped = True
    job.status = status
    run.history.append((status, now_ms()))
    _announce(job)
    parent = getattr(job, "labkit_parent", None)
    if parent is not None:
        _update_parent(parent)


def _announce(job: Any) -> None:
    """A "Batch Job State Change" event on the default bus, its detail the job as DescribeJobs shows it."""
    account, region = job.backend.account_id, job.backend.region_name
    backend("events", account, region).put_events(
        [
            {
                "Source": "aws.batch",
                "DetailType": "Batch Job State Change",
                "Detail": json.dumps(detail(job)),
                "Resources": [job.arn],
                "EventBusName": "default",
            }
        ]
    )


def parent_status(statuses: list[str]) -> str:
    """An array parent's status from its children's: SUBMITTED, PENDING, then SUCCEEDED or FAILED."""
    if statuses and all(status in DONE for status in statuses):
        return SUCCEEDED if all(status == SUCCEEDED for status in statuses) else FAILED
    return "SUBMITTED" if all(status == "SUBMITTED" for status in statuses) else "PENDING"


def _update_parent(parent: Any) -> None:
    with _parents:
        status = parent_status([str(child.status) for child in children_of(parent)])
        if status == parent.status:
            return
        reason = "Array Child Job failed" if status == FAILED else None
        if status == "PENDING":
            run_of(parent).started_ms = run_of(parent).started_ms or now_ms()
        set_status(parent, status, reason)


def _wait_for_dependencies(job: Any) -> bool:
    """PENDING until every job it depends on succeeded; False (the job FAILED) when one failed or it was
    cancelled meanwhile."""
    wanted = dependencies(job)
    if not wanted:
        return True
    set_status(job, "PENDING")
    while True:
        if job.stop:
            set_status(job, FAILED, job.job_stopped_reason)
            return False
        statuses = [str(other.status) for other in wanted]
        if FAILED in statuses:
            set_status(job, FAILED, "Dependent Job failed")
            return False
        if all(status == SUCCEEDED for status in statuses):
            return True
        time.sleep(TICK_S)


def dependencies(job: Any) -> list[Any]:
    """The jobs this one waits for: those it names, N_TO_N's matching child, SEQUENTIAL's previous child."""
    jobs = job.all_jobs
    index = array_index(job)
    wanted = []
    for dependency in job.depends_on or []:
        kind = str(dependency.get("type", "")).upper()
        job_id = dependency.get("jobId")
        if kind == "SEQUENTIAL" and index:
            parent_id = job.job_id.rsplit(":", 1)[0]
            wanted.append(jobs.get(f"{parent_id}:{index - 1}"))
        elif kind == "N_TO_N" and job_id and index is not None:
            wanted.append(jobs.get(f"{job_id}:{index}"))
        elif job_id and kind != "SEQUENTIAL":
            wanted.append(jobs.get(job_id))
    return [other for other in wanted if other is not None]


def _time_limit(job: Any, blocked_reason: str, waited_s: float) -> str | None:
    """The job queue's jobStateTimeLimitActions reason that cancels this blocked job now, or None."""
    for action in getattr(job.job_queue, "labkit_time_limit_actions", None) or []:
        reason = str(action.get("reason", ""))
        due = waited_s >= float(action.get("maxTimeSeconds", 0))
        if str(action.get("state", "")).upper() == RUNNABLE and blocked_reason.startswith(reason) and due:
            return reason
    return None


def _wait_for_capacity(job: Any) -> tuple[Any, float] | None:
    """RUNNABLE until the queue's compute environment has the job's vCPUs; (environment, vCPUs) once taken,
    None when the job was cancelled or its queue's time limit cancelled it."""
    vcpus = vcpus_of(job)
    key = job.job_id
    since = time.monotonic()
    while True:
        environment = next(iter(job.job_queue.environments), None)
        pool = capacity.of(environment.arn) if environment is not None else None
        if pool is not None:
            pool.join(key)
        if job.stop:
            if pool is not None:
                pool.leave(key)
            set_status(job, FAILED, job.job_stopped_reason)
            return None
        enabled = environment is not None and environment.state == job.job_queue.state == "ENABLED"
        if environment is not None and pool is not None and enabled:
            limit = float(environment.compute_resources.get("maxvCpus", 0))
            if vcpus > limit:
                run_of(job).status_reason = capacity.MAX_RESOURCE
                reason = _time_limit(job, capacity.MAX_RESOURCE, time.monotonic() - since)
                if reason is not None:
                    pool.leave(key)
                    set_status(job, FAILED, f"Canceled by JobStateTimeLimit action due to reason: {reason}")
                    return None
            elif pool.try_take(key, vcpus, limit):
                run_of(job).status_reason = None
                return environment, vcpus
        time.sleep(TICK_S)


def run_job(job: Any) -> None:
    """The emulator's run of one job (a thread's body): SUBMITTED to SUCCEEDED or FAILED."""
    time.sleep(TICK_S)  # SUBMITTED until the scheduler's next evaluation
    if not _wait_for_dependencies(job):
        return
    set_status(job, RUNNABLE)
    number = 0
    while True:
        number += 1
        placed = _wait_for_capacity(job)
        if placed is None:
            return
        environment, vcpus = placed
        task_id = uuid.uuid4().hex
        attempt = Attempt(task_arn=_task_arn(job, environment, task_id))
        run_of(job).attempts.append(attempt)
        try:
            set_status(job, "STARTING")
            end = attempts.run_attempt(
                job,
                attempt,
                number=number,
                task_id=task_id,
                environment=environment,
                on_running=functools.partial(_running, job, attempt),
            )
        finally:
            capacity.of(environment.arn).give_back(vcpus)
        attempt.stopped_ms = now_ms()
        attempt.exit_code, attempt.reason, attempt.status_reason = (
            end.exit_code,
            end.reason,
            end.status_reason,
        )
        job.exit_code = end.exit_code
        step = next_step(job.job_definition.retry_strategy, end, number)
        if step == RUNNABLE and not job.stop:
            set_status(job, RUNNABLE, end.status_reason)
            continue
        final = SUCCEEDED if step == SUCCEEDED else FAILED
        set_status(job, final, end.status_reason or job.job_stopped_reason)
        return


def _running(job: Any, attempt: Attempt) -> None:
    attempt.started_ms = now_ms()
    run_of(job).started_ms = attempt.started_ms
    set_status(job, "RUNNING")


def _task_arn(job: Any, environment: Any, task_id: str) -> str:
    partition = job.arn.split(":")[1]
    cluster = environment.ecs_name or "default"
    return f"arn:{partition}:ecs:{job.backend.region_name}:{job.backend.account_id}:task/{cluster}/{task_id}"
