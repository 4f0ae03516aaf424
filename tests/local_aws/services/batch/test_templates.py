"""CloudFormation creates, attributes and deletes AWS Batch's three types as a CDK template declares them,
and Batch's service-linked role stands in for the ServiceRole such a template leaves out."""

from __future__ import annotations

import contextlib

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.local_aws.services.batch.resources import TAGS, batch_lab, deployed, python_command

pytestmark = pytest.mark.emulator


@pytest.fixture(scope="module")
def lab(session: boto3.Session) -> dict[str, str]:
    return deployed(
        session,
        batch_lab(
            python_command("print(1)"),
            parameters={"InputFile": "inputs/"},
            retry={"Attempts": 2, "EvaluateOnExit": [{"OnExitCode": "2", "Action": "EXIT"}]},
        ),
    )


def test_a_managed_fargate_environment_without_a_service_role_uses_batchs_service_linked_role(
    session: boto3.Session, lab: dict[str, str]
) -> None:
    batch = session.client("batch")
    environment = batch.describe_compute_environments(computeEnvironments=[lab["ComputeEnvironment"]])[
        "computeEnvironments"
    ][0]
    assert environment["type"] == "MANAGED"
    assert environment["status"] == "VALID"
    assert environment["state"] == "ENABLED"
    assert environment["computeResources"]["type"] == "FARGATE"
    assert environment["computeResources"]["maxvCpus"] == 4
    assert environment["serviceRole"].endswith(
        ":role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
    )
    assert session.client("iam").get_role(RoleName="AWSServiceRoleForBatch")["Role"]["Path"] == (
        "/aws-service-role/batch.amazonaws.com/"
    )
    assert batch.list_tags_for_resource(resourceArn=lab["ComputeEnvironment"])["tags"] == TAGS


def test_the_queue_stands_before_the_environment_it_names_with_its_time_limits_and_tags(
    session: boto3.Session, lab: dict[str, str]
) -> None:
    queue = session.client("batch").describe_job_queues(jobQueues=[lab["Queue"]])["jobQueues"][0]
    assert [entry["computeEnvironment"] for entry in queue["computeEnvironmentOrder"]] == [
        lab["ComputeEnvironment"]
    ]
    assert (
        queue["jobStateTimeLimitActions"][0]["reason"] == "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"
    )
    assert queue["tags"] == TAGS


def test_the_job_definition_keeps_fargate_its_timeout_retries_parameters_and_tags_as_written(
    session: boto3.Session, lab: dict[str, str]
) -> None:
    definition = session.client("batch").describe_job_definitions(jobDefinitions=[lab["Definition"]])[
        "jobDefinitions"
    ][0]
    assert definition["platformCapabilities"] == ["FARGATE"]
    assert definition["timeout"] == {"attemptDurationSeconds": 120}
    assert definition["retryStrategy"]["attempts"] == 2
    assert definition["parameters"] == {"InputFile": "inputs/"}
    assert definition["tags"] == TAGS
    container = definition["containerProperties"]
    assert container["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    assert container["networkConfiguration"] == {"assignPublicIp": "ENABLED"}


def test_a_job_definition_without_a_retry_strategy_is_created(session: boto3.Session) -> None:
    resources = batch_lab(python_command("print(1)"))
    assert "RetryStrategy" not in resources["Definition"]["Properties"]
    assert deployed(session, resources)["Definition"].startswith("arn:aws:batch:")


def test_deleting_the_stack_deletes_queue_and_environment_and_deregisters_the_definition(
    session: boto3.Session,
) -> None:
    lab = deployed(session, batch_lab(python_command("print(1)")))
    session.client("cloudformation").delete_stack(StackName=lab["Stack"])
    batch = session.client("batch")
    assert (
        batch.describe_compute_environments(computeEnvironments=[lab["ComputeEnvironment"]])[
            "computeEnvironments"
        ]
        == []
    )
    assert batch.describe_job_queues(jobQueues=[lab["Queue"]])["jobQueues"] == []
    [definition] = batch.describe_job_definitions(jobDefinitions=[lab["Definition"]])["jobDefinitions"]
    assert definition["status"] == "INACTIVE"


def test_create_service_linked_role_names_batchs_role_as_aws_does(session: boto3.Session) -> None:
    iam = session.client("iam")
    with contextlib.suppress(ClientError):  # an earlier test's compute environment created it already
        iam.delete_service_linked_role(RoleName="AWSServiceRoleForBatch")
    created = iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")["Role"]
    assert created["RoleName"] == "AWSServiceRoleForBatch"
