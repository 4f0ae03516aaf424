"""A job as DescribeJobs (JobDetail) and ListJobs (JobSummary) show it (Batch API reference), from moto's job
model and what the emulator's run of it recorded (`JobRun`): its attempts with their ECS task, exit code,
reason and log stream; an array's children with their index; an array parent with its children's counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from local_aws.moto_bridge import child_jobs
from local_aws.services.batch.containers import environment_of, substituted

STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
DONE = ("SUCCEEDED", "FAILED")


@dataclass
class Attempt:
    """One attempt of a job: its ECS task, when it ran, how its container ended and where it logged."""

    task_arn: str
    log_stream: str = ""
    started_ms: int | None = None
    stopped_ms: int | None = None
    exit_code: int | None = None
    reason: str = ""
    status_reason: str = ""

    def as_json(self) -> dict[str, Any]:
        """The attempt as DescribeJobs lists it (AttemptDetail)."""
        container: dict[str, Any] = {"taskArn": self.task_arn, "networkInterfaces": []}
        if self.log_stream:
            container["logStreamName"] = self.log_stream
        if self.exit_code is not None:
            container["exitCode"] = self.exit_code
        if self.reason:
            container["reason"] = self.reason
        found: dict[str, Any] = {"container": container}
        for key, value in (
            ("startedAt", self.started_ms),
            ("stoppedAt", self.stopped_ms),
            ("statusReason", self.status_reason),
        ):
            if value:
                found[key] = value
        return found


@dataclass
class JobRun:
    """What the emulator's run of a job has done so far."""

    attempts: list[Attempt] = field(default_factory=list)
    status_reason: str | None = None
    started_ms: int | None = None
    stopped_ms: int | None = None
    # every status the job has had, with when (milliseconds since the epoch)
    history: list[tuple[str, int]] = field(default_factory=list)


def run_of(job: Any) -> JobRun:
    """The emulator's record of a job (a new, empty one for a job it never ran)."""
    run: JobRun | None = getattr(job, "labkit_run", None)
    if run is None:
        run = JobRun()
        job.labkit_run = run
    return run


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def container_properties(job: Any) -> dict[str, Any]:
    """The job's container, as its job definition gives it and its submission overrides it."""
    definition = dict(job.job_definition.container_properties or {})
    overrides = job.container_overrides or {}
    environment = {
        **environment_of(definition.get("environment")),
        **environment_of(overrides.get("environment")),
    }
    command = overrides.get("command") or definition.get("command") or []
    requirements = {r["type"]: r for r in definition.get("resourceRequirements", [])}
    requirements |= {r["type"]: r for r in overrides.get("resourceRequirements", [])}
    return {
        **definition,
        "command": substituted([str(part) for part in command], job.parameters or {}),
        "environment": [{"name": k, "value": v} for k, v in environment.items()],
        "resourceRequirements": list(requirements.values()),
    }


def vcpus_of(job: Any) -> float:
    """The vCPUs one attempt of the job asks for."""
    for requirement in container_properties(job).get("resourceRequirements", []):
        if str(requirement.get("type", "")).upper() == "VCPU":
            return float(requirement["value"])
    return float(container_properties(job).get("vcpus") or 1)


def children_of(job: Any) -> list[Any]:
    """An array parent's children (none for any other job)."""
    return child_jobs(job)


def array_index(job: Any) -> int | None:
    """A child's index in its array (None for any other job)."""
    index = (job.array_properties or {}).get("index")
    return None if index is None else int(index)


def array_properties(job: Any) -> dict[str, Any] | None:
    """A parent's size and its children's counts by status, or a child's index."""
    children = children_of(job)
    if children:
        summary = dict.fromkeys(STATUSES, 0)
        for child in children:
            summary[str(child.status)] += 1
        return {"statusSummary": summary, "size": len(children)}
    index = array_index(job)
    return None if index is None else {"index": index}


def summary(job: Any) -> dict[str, Any]:
    """The job as ListJobs shows it (JobSummary)."""
    run = run_of(job)
    found: dict[str, Any] = {
        "jobArn": job.arn,
        "jobId": job.job_id,
        "jobName": job.job_name,
        "createdAt": _ms(job.job_created_at),
        "status": job.status,
        "jobDefinition": job.job_definition.arn,
    }
    if run.status_reason:
        found["statusReason"] = run.status_reason
    if run.started_ms:
        found["startedAt"] = run.started_ms
    if run.stopped_ms:
        found["stoppedAt"] = run.stopped_ms
    if run.attempts and job.status in DONE:
        last = run.attempts[-1]
        found["container"] = {
            **({"exitCode": last.exit_code} if last.exit_code is not None else {}),
            **({"reason": last.reason} if last.reason else {}),
        }
    properties = array_properties(job)
    if properties is not None:
        found["arrayProperties"] = {k: v for k, v in properties.items() if k != "statusSummary"}
    return found


def detail(job: Any) -> dict[str, Any]:
    """The job as DescribeJobs shows it (JobDetail)."""
    run = run_of(job)
    definition = job.job_definition
    found = {
        **summary(job),
        "jobQueue": job.job_queue.arn,
        "attempts": [attempt.as_json() for attempt in run.attempts],
        "dependsOn": job.depends_on or [],
        "parameters": dict(job.parameters or {}),
        "tags": job.backend.list_tags_for_resource(job.arn),
        "platformCapabilities": list(definition.platform_capabilities or []),
        "propagateTags": bool(definition.propagate_tags),
    }
    found.pop("container", None)
    if definition.retry_strategy:
        found["retryStrategy"] = definition.retry_strategy
    timeout = job.timeout or definition.timeout
    if timeout:
        found["timeout"] = timeout
    if not children_of(job):
        container = container_properties(job)
        if run.attempts:
            last = run.attempts[-1]
            container |= last.as_json()["container"]
        found["container"] = container
    properties = array_properties(job)
    if properties is not None:
        found["arrayProperties"] = properties
    return found
