"""LabBatch's jobs as the Batch API shows them: the queue's last array job, its children, a waiting job's
reason, and a child's log, read the same way on AWS and on the emulator."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from labs.checks.waiting import Waiter

STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
DONE = ("SUCCEEDED", "FAILED")
# still in the queue: a job in one of these states holds capacity or waits for it
WAITING = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING")
# DescribeJobs takes at most 100 jobs a call
DESCRIBE_BATCH = 100
LOG_LINES = 3


@dataclass(frozen=True)
class Child:
    """One child of an array job, as DescribeJobs shows it."""

    index: int
    job_id: str
    status: str
    status_reason: str
    exit_code: int | None
    reason: str
    log_stream: str
    attempts: int

    @property
    def why(self) -> str:
        """How the child ended, in one clause: its status reason, its container's reason or exit code."""
        parts = [self.status_reason or self.status]
        if self.reason:
            parts.append(self.reason)
        if self.exit_code is not None:
            parts.append(f"exit code {self.exit_code}")
        return ", ".join(parts) + f" ({self.attempts} attempt{'s' if self.attempts != 1 else ''})"


def queue_jobs(batch: Any, queue: str, statuses: tuple[str, ...] = STATUSES) -> Iterator[dict[str, Any]]:
    """Every job of the queue in these states (ListJobs lists one state a call, RUNNING when given none)."""
    for status in statuses:
        for page in batch.get_paginator("list_jobs").paginate(jobQueue=queue, jobStatus=status):
            yield from page.get("jobSummaryList", [])


def last_array_job(batch: Any, queue: str) -> dict[str, Any] | None:
    """The array job (a parent: its summary has a size) submitted last to the queue, or None."""
    parents = [job for job in queue_jobs(batch, queue) if (job.get("arrayProperties") or {}).get("size")]
    return max(parents, key=lambda job: int(job.get("createdAt", 0)), default=None)


def describe(batch: Any, job_ids: list[str]) -> list[dict[str, Any]]:
    """DescribeJobs of any number of jobs, in the order asked."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(job_ids), DESCRIBE_BATCH):
        for job in batch.describe_jobs(jobs=job_ids[start : start + DESCRIBE_BATCH]).get("jobs", []):
            found[job["jobId"]] = job
    return [found[job_id] for job_id in job_ids if job_id in found]


def wait_until_done(batch: Any, job_id: str, waiter: Waiter) -> dict[str, Any] | None:
    """Wait for the job to be SUCCEEDED or FAILED (an array job: every child); the job, or None when the
    time was up first (then the last state seen is in the waiter's status)."""

    def probe() -> tuple[dict[str, Any] | None, str]:
        jobs = describe(batch, [job_id])
        if not jobs:
            return None, "the job is not listed yet"
        job = jobs[0]
        summary = (job.get("arrayProperties") or {}).get("statusSummary") or {}
        counts = ", ".join(f"{n} {status}" for status, n in summary.items() if n)
        status = f"{job['status']}" + (f" ({counts})" if counts else "")
        return (job if job["status"] in DONE else None), status

    return waiter.until(probe, what=f"waiting for job {job_id}").value


def children(batch: Any, parent: Mapping[str, Any]) -> list[Child]:
    """The array job's children, by index."""
    size = int((parent.get("arrayProperties") or {}).get("size") or 0)
    described = describe(batch, [f"{parent['jobId']}:{index}" for index in range(size)])
    found = []
    for job in described:
        container = job.get("container") or {}
        found.append(
            Child(
                index=int((job.get("arrayProperties") or {}).get("index", job["jobId"].rsplit(":", 1)[-1])),
                job_id=job["jobId"],
                status=job["status"],
                status_reason=str(job.get("statusReason", "")),
                exit_code=container.get("exitCode"),
                reason=str(container.get("reason", "")),
                log_stream=str(container.get("logStreamName", "")),
                attempts=len(job.get("attempts", [])),
            )
        )
    return sorted(found, key=lambda child: child.index)


def log_tail(logs: Any, group: str, stream: str, lines: int = LOG_LINES) -> list[str]:
    """The last lines of a log stream (none when the stream or group is gone)."""
    if not stream:
        return []
    try:
        events = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=False)["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [str(event["message"]) for event in events[-lines:]]
