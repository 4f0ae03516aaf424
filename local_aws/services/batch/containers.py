"""What one attempt of a Batch job runs, read from its job definition and the job, as Batch and Fargate give
it to the container. Plain functions over plain values, tested without an emulator.

- the command: the job definition's (or the submission's override), each `Ref::<name>` argument replaced by
  the job's parameter of that name (the submission's over the job definition's defaults; Batch user guide,
  job definition parameters); the image's own python3 is played by the kit's Python without site-packages;
- the environment: the job definition's variables (the submission's override wins), then what Batch sets
  (AWS_BATCH_JOB_ID, AWS_BATCH_JOB_ATTEMPT, AWS_BATCH_JQ_NAME, AWS_BATCH_CE_NAME, and
  AWS_BATCH_JOB_ARRAY_INDEX in an array's children: Batch user guide, job_env_vars) and what Fargate sets
  (AWS_REGION, AWS_DEFAULT_REGION, AWS_EXECUTION_ENV);
- the log: the awslogs driver's group (awslogs-group, else /aws/batch/job) and one stream per attempt,
  `<awslogs-stream-prefix>/<container name>/<ECS task id>`, the container being `default` in Batch
  (`<job definition name>/default/<task id>` without a prefix);
- the network: an image from a registry on the internet is pulled through a public IP and an internet
  gateway, or a NAT gateway (Batch API reference, NetworkConfiguration.assignPublicIp; AWS re:Post, "resolve
  CannotPullContainerError on Fargate": the subnet's default route must reach one); a private ECR image also
  through the VPC's ecr.dkr endpoint.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_LOG_GROUP = "/aws/batch/job"
CONTAINER_NAME = "default"
# `python`, `python3`, `python3.13`: the image's interpreter, which the kit's Python stands in for
_PYTHON = re.compile(r"^(?:/usr/(?:local/)?bin/)?python(?:3(?:\.\d+)?)?$")
_PRIVATE_ECR = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/")


class UnsupportedContainerError(RuntimeError):
    """The emulator cannot run this container as a local process; the message says why."""


@dataclass(frozen=True)
class LogTarget:
    """Where an attempt's output goes: a log group and a stream."""

    group: str
    stream: str


def substituted(command: Sequence[str], parameters: Mapping[str, str]) -> list[str]:
    """The command with each `Ref::<name>` argument replaced by that parameter (unknown names stay)."""
    return [
        parameters.get(part[len("Ref::") :], part) if part.startswith("Ref::") else part for part in command
    ]


def local_command(image: str, command: Sequence[str]) -> list[str]:
    """The argv that runs the container's command here: a Python image's python3, as the kit's Python in
    isolated mode without site-packages (a slim Python image has the standard library only)."""
    if not command:
        raise UnsupportedContainerError(
            f"the job gives no command, so {image}'s own entrypoint would run: the emulator runs commands "
            "only"
        )
    if "python" not in image.rsplit("/", 1)[-1] or not _PYTHON.match(command[0]):
        raise UnsupportedContainerError(
            f"the emulator runs a Python image's python3 command only (image {image}, command {command[0]})"
        )
    return [sys.executable, "-I", "-S", *command[1:]]


def environment_of(pairs: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """A container's environment list (`[{"name", "value"}]`) as a dict."""
    return {str(pair["name"]): str(pair.get("value", "")) for pair in pairs or [] if "name" in pair}


def container_environment(
    *,
    definition: Mapping[str, str],
    overrides: Mapping[str, str],
    batch: Mapping[str, str],
    region: str,
) -> dict[str, str]:
    """What the container's process sees: its variables, then Batch's and Fargate's, which win."""
    fargate = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region, "AWS_EXECUTION_ENV": "AWS_ECS_FARGATE"}
    base = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/root"}
    return {**base, **definition, **overrides, **fargate, **batch}


def batch_variables(
    *, job_id: str, attempt: int, queue: str, compute_environment: str, array_index: int | None
) -> dict[str, str]:
    """The AWS_BATCH_* variables of one attempt."""
    variables = {
        "AWS_BATCH_JOB_ID": job_id,
        "AWS_BATCH_JOB_ATTEMPT": str(attempt),
        "AWS_BATCH_JQ_NAME": queue,
        "AWS_BATCH_CE_NAME": compute_environment,
    }
    if array_index is not None:
        variables["AWS_BATCH_JOB_ARRAY_INDEX"] = str(array_index)
    return variables


def log_target(container: Mapping[str, Any], *, job_definition_name: str, task_id: str) -> LogTarget:
    """The awslogs group and this attempt's stream."""
    options = (container.get("logConfiguration") or {}).get("options") or {}
    prefix = options.get("awslogs-stream-prefix") or job_definition_name
    return LogTarget(
        group=str(options.get("awslogs-group") or DEFAULT_LOG_GROUP),
        stream=f"{prefix}/{CONTAINER_NAME}/{task_id}",
    )


def pull_problem(
    image: str,
    *,
    public_ip: bool,
    default_route: str | None,
    endpoints: Sequence[str],
    region: str,
) -> str | None:
    """Why the task cannot pull its image from its subnet (its default route's target: igw-..., nat-...,
    or None), or None when it can."""
    if default_route and default_route.startswith("nat-"):
        return None
    if default_route and default_route.startswith("igw-") and public_ip:
        return None
    if _PRIVATE_ECR.match(image) and f"com.amazonaws.{region}.ecr.dkr" in endpoints:
        return None
    host = image.split("/", 1)[0] if "." in image.split("/", 1)[0] else "registry-1.docker.io"
    return (
        f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
        f'{image}: failed to do request: Head "https://{host}/v2/...": dial tcp: i/o timeout'
    )
