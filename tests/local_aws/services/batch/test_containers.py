"""What one attempt of a Batch job runs, read from its job definition: command, environment, log stream and
whether its image can be pulled from its subnet."""

from __future__ import annotations

import sys

import pytest

from local_aws.services.batch.containers import (
    LogTarget,
    UnsupportedContainerError,
    batch_variables,
    container_environment,
    local_command,
    log_target,
    pull_problem,
    substituted,
)

pytestmark = pytest.mark.unit

PUBLIC_IMAGE = "public.ecr.aws/docker/library/python:3.13-slim"


def test_each_ref_argument_is_replaced_by_its_parameter_and_unknown_ones_stay() -> None:
    command = ["python3", "-c", "print(1)", "Ref::inputs", "Ref::missing", "plain"]
    assert substituted(command, {"inputs": "in/"}) == [
        "python3",
        "-c",
        "print(1)",
        "in/",
        "Ref::missing",
        "plain",
    ]


def test_a_python_images_python3_runs_as_the_kits_python_without_site_packages() -> None:
    assert local_command(PUBLIC_IMAGE, ["python3", "-c", "pass", "x"]) == [
        sys.executable,
        "-I",
        "-S",
        "-c",
        "pass",
        "x",
    ]
    assert local_command("python:3.13", ["/usr/local/bin/python3.13", "-V"])[:3] == [
        sys.executable,
        "-I",
        "-S",
    ]


@pytest.mark.parametrize(
    ("image", "command"),
    [("busybox", ["echo", "hi"]), (PUBLIC_IMAGE, ["sh", "-c", "echo hi"]), (PUBLIC_IMAGE, [])],
)
def test_any_other_command_is_refused_with_the_reason(image: str, command: list[str]) -> None:
    with pytest.raises(UnsupportedContainerError, match="the emulator runs"):
        local_command(image, command)


def test_batch_and_fargate_variables_win_over_the_job_definitions() -> None:
    variables = batch_variables(job_id="j:3", attempt=2, queue="q", compute_environment="ce", array_index=3)
    env = container_environment(
        definition={"BUCKET_NAME": "b", "AWS_BATCH_JOB_ID": "mine"},
        overrides={"BUCKET_NAME": "override"},
        batch=variables,
        region="eu-west-1",
    )
    assert env["BUCKET_NAME"] == "override"
    assert env["AWS_BATCH_JOB_ID"] == "j:3"
    assert env["AWS_BATCH_JOB_ATTEMPT"] == "2"
    assert env["AWS_BATCH_JOB_ARRAY_INDEX"] == "3"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_EXECUTION_ENV"] == "AWS_ECS_FARGATE"


def test_only_an_arrays_children_get_an_index() -> None:
    variables = batch_variables(job_id="j", attempt=1, queue="q", compute_environment="ce", array_index=None)
    assert "AWS_BATCH_JOB_ARRAY_INDEX" not in variables


def test_the_log_stream_is_prefix_default_task_id_as_awslogs_names_it() -> None:
    container = {
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "G", "awslogs-stream-prefix": "child"},
        }
    }
    assert log_target(container, job_definition_name="def", task_id="abc") == LogTarget(
        "G", "child/default/abc"
    )


def test_without_a_log_configuration_batch_logs_to_its_own_group_by_job_definition() -> None:
    assert log_target({}, job_definition_name="def", task_id="abc") == LogTarget(
        "/aws/batch/job", "def/default/abc"
    )


@pytest.mark.parametrize(
    ("public_ip", "route", "endpoints", "image", "pulls"),
    [
        (True, "igw-1", [], PUBLIC_IMAGE, True),
        (False, "igw-1", [], PUBLIC_IMAGE, False),
        (False, "nat-1", [], PUBLIC_IMAGE, True),
        (True, None, [], PUBLIC_IMAGE, False),
        (
            False,
            None,
            ["com.amazonaws.us-east-1.ecr.dkr"],
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1",
            True,
        ),
        (False, None, ["com.amazonaws.us-east-1.ecr.dkr"], PUBLIC_IMAGE, False),
    ],
)
def test_an_image_is_pulled_through_an_igw_with_a_public_ip_a_nat_or_an_ecr_endpoint(
    public_ip: bool, route: str | None, endpoints: list[str], image: str, pulls: bool
) -> None:
    problem = pull_problem(
        image, public_ip=public_ip, default_route=route, endpoints=endpoints, region="us-east-1"
    )
    assert (problem is None) == pulls
    if problem:
        assert problem.startswith("CannotPullContainerError:")
        assert image in problem
