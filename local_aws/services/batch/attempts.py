"""One attempt of a job on Fargate, in the emulator: the task is placed in a subnet of the compute
environment, its image pulled (which needs a way out to the registry), its log stream created (in a log
group that must exist), then its container's command runs as a local process (process.py) with the job
role's credentials, its output going to the log stream as it comes, until it exits or its timeout stops it."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

from local_aws.moto_bridge import backend, route_table_associations
from local_aws.services.batch import process
from local_aws.services.batch.containers import (
    DEFAULT_LOG_GROUP,
    LogTarget,
    UnsupportedContainerError,
    batch_variables,
    container_environment,
    environment_of,
    local_command,
    log_target,
    pull_problem,
)
from local_aws.services.batch.describe import Attempt, array_index, container_properties
from local_aws.services.batch.retries import TIMEOUT_REASON, AttemptEnd

# the statusReason of an attempt whose container ran and exited (zero or not)
EXITED = "Essential container in task exited"
NOT_STARTED = "Task failed to start"
MISSING_LOG_GROUP = (
    "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: "
    "failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not "
    "exist."
)
_subnet_turns = itertools.count()
_endpoint: str | None = None


def start(endpoint: str) -> None:
    """Where the emulator answers: the endpoint a job's process calls AWS at."""
    global _endpoint  # noqa: PLW0603 - one endpoint per emulator process
    _endpoint = endpoint


def _default_route(ec2: Any, subnet_id: str, vpc_id: str) -> str | None:
    """The target of the subnet's 0.0.0.0/0 route (its route table's, else the VPC's main one's)."""
    tables = [t for t in ec2.route_tables.values() if t.vpc_id == vpc_id]
    own = [t for t in tables if subnet_id in route_table_associations(t).values()]
    table = (own or [t for t in tables if t.main_association_id is not None] or [None])[0]
    for route in table.routes if table is not None else []:
        if route.destination_cidr_block == "0.0.0.0/0":
            if route.nat_gateway is not None:
                return str(route.nat_gateway.id)
            if route.gateway is not None:
                return str(route.gateway.id)
    return None


def _network_problem(job: Any, environment: Any, container: dict[str, Any]) -> str | None:
    account, region = job.backend.account_id, job.backend.region_name
    ec2 = backend("ec2", account, region)
    subnets = list(environment.compute_resources.get("subnets") or [])
    if not subnets:
        return None
    subnet = ec2.get_subnet(subnets[next(_subnet_turns) % len(subnets)])
    endpoints = [e.service_name for e in ec2.vpc_end_points.values() if e.vpc_id == subnet.vpc_id]
    public_ip = (container.get("networkConfiguration") or {}).get("assignPublicIp") == "ENABLED"
    return pull_problem(
        str(container.get("image", "")),
        public_ip=public_ip,
        default_route=_default_route(ec2, subnet.id, subnet.vpc_id),
        endpoints=endpoints,
        region=region,
    )


def _log_stream(job: Any, container: dict[str, Any], task_id: str) -> LogTarget | None:
    """The attempt's log stream, created; None when its log group does not exist (nor may be created)."""
    target = log_target(container, job_definition_name=job.job_definition.name, task_id=task_id)
    logs = backend("logs", job.backend.account_id, job.backend.region_name)
    options = (container.get("logConfiguration") or {}).get("options") or {}
    if target.group not in logs.groups:
        if target.group != DEFAULT_LOG_GROUP and str(options.get("awslogs-create-group")) != "true":
            return None
        logs.ensure_log_group(target.group)
    logs.create_log_stream(target.group, target.stream)
    return target


def _credentials(job: Any, role_arn: str, task_id: str) -> dict[str, str]:
    """The job role's temporary credentials from the emulator's STS, as the container's endpoint serves
    them on Fargate; a role that does not exist is a ValueError."""
    account, region = job.backend.account_id, job.backend.region_name
    iam = backend("iam", account, region)
    if not any(role.arn == role_arn for role in iam.get_roles()):
        raise ValueError(f"ECS was unable to assume the role '{role_arn}' that was provided for this task")
    assumed = backend("sts", account, region).assume_role(
        region_name=region,
        role_session_name=task_id,
        role_arn=role_arn,
        policy="",
        duration=3600,
        external_id="",
    )
    return {
        "AWS_ACCESS_KEY_ID": assumed.access_key_id,
        "AWS_SECRET_ACCESS_KEY": assumed.secret_access_key,
        "AWS_SESSION_TOKEN": assumed.session_token,
    }


def _timeout_s(job: Any) -> float | None:
    timeout = job.timeout or job.job_definition.timeout or {}
    seconds = timeout.get("attemptDurationSeconds")
    return float(seconds) if seconds else None


def run_attempt(
    job: Any, attempt: Attempt, *, number: int, task_id: str, environment: Any, on_running: Callable[[], None]
) -> AttemptEnd:
    """Place, pull, log and run one attempt of the job; how it ended."""
    container = container_properties(job)
    image = str(container.get("image", ""))
    problem = _network_problem(job, environment, container)
    if problem:
        return AttemptEnd(exit_code=None, reason=problem, status_reason=NOT_STARTED)
    target = _log_stream(job, container, task_id)
    if target is None:
        return AttemptEnd(exit_code=None, reason=MISSING_LOG_GROUP, status_reason=NOT_STARTED)
    attempt.log_stream = target.stream
    job.log_stream_name = target.stream
    region = job.backend.region_name
    try:
        argv = local_command(image, container.get("command") or [])
        role = container.get("jobRoleArn")
        credentials = _credentials(job, str(role), task_id) if role else {}
    except UnsupportedContainerError as error:
        return AttemptEnd(
            exit_code=None, reason=f"CannotStartContainerError: {error}", status_reason=NOT_STARTED
        )
    except ValueError as error:
        return AttemptEnd(
            exit_code=None, reason=f"ResourceInitializationError: {error}", status_reason=NOT_STARTED
        )
    variables = batch_variables(
        job_id=job.job_id,
        attempt=number,
        queue=job.job_queue.name,
        compute_environment=environment.name,
        array_index=array_index(job),
    )
    env = container_environment(
        definition=environment_of(container.get("environment")),
        overrides={},
        batch=variables,
        region=region,
    )
    # the emulator stands in for every AWS endpoint; no file of this machine adds a real credential
    env |= credentials | {
        "AWS_ENDPOINT_URL": _endpoint or "",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    logs = backend("logs", job.backend.account_id, region)

    def write(lines: list[process.OutputLine]) -> None:
        events = [{"timestamp": line.timestamp_ms, "message": line.message} for line in lines]
        logs.put_log_events(target.group, target.stream, events)

    on_running()
    ended = process.run(
        argv, env=env, timeout_s=_timeout_s(job), on_output=write, should_stop=lambda: job.stop
    )
    if ended.timed_out:
        status_reason = TIMEOUT_REASON
    elif ended.stopped:
        status_reason = str(job.job_stopped_reason or "Terminated")
    else:
        status_reason = EXITED
    return AttemptEnd(
        exit_code=ended.exit_code,
        status_reason=status_reason,
        timed_out=ended.timed_out,
        terminated=ended.stopped,
    )
