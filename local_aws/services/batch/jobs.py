"""AWS Batch jobs in the emulator: a submitted job really runs (lifecycle.py, attempts.py), is described and
listed as the Batch API describes and lists jobs (describe.py), and its submission is refused where AWS
refuses it."""

from __future__ import annotations

import functools
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import child_jobs, moto_name, original, replace
from local_aws.services.batch import attempts, describe, lifecycle

# SubmitJob's limits (Batch user guide: array_jobs, job_timeouts)
ARRAY_SIZES = (2, 10_000)
MIN_TIMEOUT_S = 60


def start(endpoint: str) -> None:
    """Make the Batch service ready in this process (the emulator's server, once it is listening)."""
    attempts.start(endpoint)


def _client_error(message: str) -> Exception:
    error: Exception = moto_name("batch.ClientException")(message)
    return error


def check_submission(array_properties: dict[str, Any] | None, timeout: dict[str, Any] | None) -> None:
    """Refuse what SubmitJob refuses: an array size outside 2..10,000, a timeout under 60 seconds."""
    size = (array_properties or {}).get("size")
    low, high = ARRAY_SIZES
    if size is not None and not low <= int(size) <= high:
        raise _client_error(f"Array size must be between {low} and {high:,}, not {size}")
    seconds = (timeout or {}).get("attemptDurationSeconds")
    if seconds is not None and int(seconds) < MIN_TIMEOUT_S:
        raise _client_error(f"attemptDurationSeconds must be at least {MIN_TIMEOUT_S}, not {seconds}")


@parity_fix(
    "a Batch job really runs",
    moto_does="runs a job's container in Docker only (without it the job FAILED at once); its states move "
    "one step at each DescribeJobs, a job without dependencies passes PENDING, an array parent never "
    "FAILED, and the log stream is named <job definition>/default/<job id> in /aws/batch/job",
    aws_does="places each job (each child of an array) when its compute environment has the vCPUs "
    "(maxvCpus), SUBMITTED, PENDING (only while a dependency is outstanding), RUNNABLE, STARTING, RUNNING, "
    "then SUCCEEDED or FAILED, with a 'Batch Job State Change' event for each change; runs its command with "
    "its environment, parameters, AWS_BATCH_* variables and job role; logs each attempt to the awslogs group "
    "in a stream <prefix>/default/<ECS task id>; stops an attempt after attemptDurationSeconds; retries as "
    "the retry strategy says; fails a task that cannot pull its image (no public IP, no NAT); an array "
    "parent "
    "is PENDING while its children run and FAILED when one failed (Batch user guide: job_states, array_jobs, "
    "job_retries, job_timeouts, job_env_vars, using_awslogs, batch_cwe_events)",
)
def batch_jobs_run() -> None:
    """Patches moto: a Batch job really runs."""
    job_class = moto_name("batch.Job")
    backend_class = moto_name("batch.BatchBackend")
    replace(job_class, "run", lifecycle.run_job)
    replace(job_class, "describe", describe.detail)
    replace(job_class, "describe_short", describe.summary)
    original_submit = original(backend_class, "submit_job")

    @functools.wraps(original_submit)
    def submit_job(self: Any, *args: Any, **kwargs: Any) -> Any:
        check_submission(kwargs.get("array_properties"), kwargs.get("timeout"))
        submitted = original_submit(self, *args, **kwargs)
        parent = self.get_job_by_id(submitted[1])
        for child in child_jobs(parent):
            child.labkit_parent = parent
        return submitted

    replace(backend_class, "submit_job", submit_job)
    for action in ("cancel_job", "terminate_job"):
        _to_children(backend_class, action)


def _to_children(backend_class: Any, action: str) -> None:
    """Cancelling or terminating an array parent cancels or terminates every child (Batch user guide)."""
    original_action = original(backend_class, action)

    def act(self: Any, job_id: str, reason: str) -> None:
        original_action(self, job_id, reason)
        job = self.get_job_by_id(job_id)
        for child in child_jobs(job) if job is not None else []:
            original_action(self, child.job_id, reason)

    replace(backend_class, action, act)


@parity_fix(
    "ListJobs without a status lists RUNNING jobs",
    moto_does="lists jobs in every status when ListJobs names no jobStatus and no filter",
    aws_does="lists only RUNNING jobs then (API reference, ListJobs: 'If you don't specify a status, only "
    "RUNNING jobs are returned')",
)
def list_jobs_default_status() -> None:
    """Patches moto: ListJobs without a status lists RUNNING jobs."""
    backend_class = moto_name("batch.BatchBackend")
    original_list = original(backend_class, "list_jobs")

    @functools.wraps(original_list)
    def list_jobs(
        self: Any, job_queue_name: Any, array_job_id: Any, job_status: Any = None, filters: Any = None
    ) -> Any:
        status = "RUNNING" if job_status is None and filters is None else job_status
        return original_list(self, job_queue_name, array_job_id, job_status=status, filters=filters)

    replace(backend_class, "list_jobs", list_jobs)


@parity_fix(
    "SubmitJob refuses an INACTIVE job definition",
    moto_does="runs a job on a job definition deregistered (INACTIVE) by ARN or name:revision, and on a "
    "name's latest revision even when it is INACTIVE",
    aws_does="submits only to an ACTIVE revision: a bare name means its latest ACTIVE revision, and one "
    "with none, or an INACTIVE ARN or name:revision, is refused with a ClientException ('JobDefinition "
    "name ... does not exist or is not in ACTIVE status': aws-samples/aws-genomics-workflows#84; "
    "launching on a revision CloudFormation deregistered fails: "
    "aws-cloudformation/cloudformation-coverage-roadmap#1761; API reference, SubmitJob jobDefinition: "
    "'the latest active revision is used')",
    after=("batch.batch_jobs_run",),
)
def submit_job_active_definition() -> None:
    """Patches moto: SubmitJob refuses an INACTIVE job definition."""
    backend_class = moto_name("batch.BatchBackend")
    original_submit = original(backend_class, "submit_job")

    @functools.wraps(original_submit)
    def submit_job(self: Any, job_name: str, job_def_id: str, *args: Any, **kwargs: Any) -> Any:
        return original_submit(self, job_name, active_definition(self, job_def_id), *args, **kwargs)

    replace(backend_class, "submit_job", submit_job)


def active_definition(backend: Any, identifier: str) -> str:
    """The ARN of the ACTIVE revision SubmitJob's jobDefinition names (a bare name: its latest ACTIVE one);
    an identifier of no definition is passed on as given, for moto's own refusal."""
    named = backend.get_job_definition(identifier)
    if named is None:
        return identifier
    if ":" not in identifier:  # a bare name: its latest ACTIVE revision
        revisions = backend.describe_job_definitions(job_def_name=identifier, status="ACTIVE")
        named = max(revisions, key=lambda definition: int(definition.revision), default=None)
    if named is None or named.status != "ACTIVE":
        raise _client_error(f"JobDefinition {identifier} does not exist or is not in ACTIVE status")
    return str(named.arn)


FIXES: tuple[ParityFix, ...] = (batch_jobs_run, list_jobs_default_status, submit_job_active_definition)
