"""A submitted Batch job really runs on the emulator: through its states, each child of an array as a
local process with its index, environment and job role, its output in an awslogs stream, with retries,
maxvCpus and the network it needs to pull its image; and SubmitJob and ListJobs answer as AWS does."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.local_aws.services.batch.resources import (
    batch_lab,
    deployed,
    job_state_events,
    python_command,
    received_states,
)

pytestmark = pytest.mark.emulator

ECHO = (
    "import os, sys; print('index', os.environ.get('AWS_BATCH_JOB_ARRAY_INDEX'), 'attempt', "
    "os.environ['AWS_BATCH_JOB_ATTEMPT'], 'args', sys.argv[1:], 'bucket', os.environ.get('BUCKET'))"
)
DONE = ("SUCCEEDED", "FAILED")


def wait_done(batch: Any, job_id: str, timeout_s: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job = batch.describe_jobs(jobs=[job_id])["jobs"][0]
        if job["status"] in DONE or time.monotonic() > deadline:
            return dict(job)
        time.sleep(0.2)


def submit(session: boto3.Session, lab: dict[str, str], **kwargs: Any) -> str:
    answer = session.client("batch").submit_job(
        jobName="lab-array", jobQueue=lab["Queue"], jobDefinition=lab["Definition"], **kwargs
    )
    return str(answer["jobId"])


@pytest.fixture(scope="module")
def echo_lab(session: boto3.Session) -> dict[str, str]:
    return deployed(
        session,
        batch_lab(
            [*python_command(ECHO), "Ref::inputs"],
            parameters={"inputs": "inputs/"},
            environment={"BUCKET": "lab-bucket"},
        ),
    )


def test_a_job_is_submitted_then_runnable_starting_running_and_succeeded(
    session: boto3.Session, echo_lab: dict[str, str]
) -> None:
    events = job_state_events(session)
    job_id = submit(session, echo_lab)
    assert session.client("batch").describe_jobs(jobs=[job_id])["jobs"][0]["status"] == "SUBMITTED"
    assert wait_done(session.client("batch"), job_id)["status"] == "SUCCEEDED"
    # AWS creates no event for the submission itself, and a job with no dependency is never PENDING
    assert received_states(session, events)[job_id] == ["RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"]


def test_a_job_with_a_dependency_is_pending_until_it_succeeds(
    session: boto3.Session, echo_lab: dict[str, str]
) -> None:
    events = job_state_events(session)
    first = submit(session, echo_lab)
    second = submit(session, echo_lab, dependsOn=[{"jobId": first}])
    assert wait_done(session.client("batch"), second)["status"] == "SUCCEEDED"
    assert received_states(session, events)[second] == [
        "PENDING",
        "RUNNABLE",
        "STARTING",
        "RUNNING",
        "SUCCEEDED",
    ]


def test_each_child_runs_with_its_index_parameters_and_environment_in_its_own_log_stream(
    session: boto3.Session, echo_lab: dict[str, str]
) -> None:
    batch, logs = session.client("batch"), session.client("logs")
    parent = submit(session, echo_lab, arrayProperties={"size": 3})
    finished = wait_done(batch, parent)
    assert finished["status"] == "SUCCEEDED"
    assert finished["arrayProperties"]["statusSummary"]["SUCCEEDED"] == 3
    for index in range(3):
        child = batch.describe_jobs(jobs=[f"{parent}:{index}"])["jobs"][0]
        assert child["arrayProperties"] == {"index": index}
        stream = child["container"]["logStreamName"]
        task_id = child["container"]["taskArn"].rsplit("/", 1)[-1]
        assert stream == f"child/default/{task_id}"
        lines = logs.get_log_events(logGroupName=echo_lab["Logs"], logStreamName=stream)["events"]
        assert [event["message"] for event in lines] == [
            f"index {index} attempt 1 args ['inputs/'] bucket lab-bucket"
        ]


def test_a_child_gets_the_job_roles_credentials_and_the_emulator_as_its_endpoint(
    session: boto3.Session,
) -> None:
    code = (
        "import os; print(os.environ['AWS_ACCESS_KEY_ID'][:4], bool(os.environ['AWS_SESSION_TOKEN']), "
        "os.environ['AWS_ENDPOINT_URL'].startswith('http://localhost:'), os.environ['AWS_EXECUTION_ENV'])"
    )
    lab = deployed(session, batch_lab(python_command(code)))
    job = wait_done(session.client("batch"), submit(session, lab))
    lines = session.client("logs").get_log_events(
        logGroupName=lab["Logs"], logStreamName=job["container"]["logStreamName"]
    )["events"]
    assert lines[0]["message"] == "ASIA True True AWS_ECS_FARGATE"


def test_a_failed_attempt_is_retried_and_a_bad_input_exits_at_once(session: boto3.Session) -> None:
    code = "import os, sys; sys.exit(2 if os.environ.get('AWS_BATCH_JOB_ARRAY_INDEX') == '1' else 1)"
    retry = {"Attempts": 2, "EvaluateOnExit": [{"OnExitCode": "2", "Action": "EXIT"}]}
    lab = deployed(session, batch_lab(python_command(code), retry=retry))
    batch = session.client("batch")
    parent = submit(session, lab, arrayProperties={"size": 2})
    finished = wait_done(batch, parent)
    assert finished["status"] == "FAILED"
    assert finished["statusReason"] == "Array Child Job failed"
    retried, exited = batch.describe_jobs(jobs=[f"{parent}:0", f"{parent}:1"])["jobs"]
    assert [a["container"]["exitCode"] for a in retried["attempts"]] == [1, 1]
    assert [a["container"]["exitCode"] for a in exited["attempts"]] == [2]
    assert exited["statusReason"] == "Essential container in task exited"


def test_children_run_no_more_at_once_than_maxvcpus_allows(session: boto3.Session) -> None:
    lab = deployed(
        session, batch_lab(python_command("import time; time.sleep(0.6)"), max_vcpus=1, vcpus="0.5")
    )
    batch = session.client("batch")
    parent = submit(session, lab, arrayProperties={"size": 4})
    assert wait_done(batch, parent)["status"] == "SUCCEEDED"
    children = batch.describe_jobs(jobs=[f"{parent}:{i}" for i in range(4)])["jobs"]
    spans = [(c["attempts"][0]["startedAt"], c["attempts"][0]["stoppedAt"]) for c in children]
    busiest = max(sum(1 for start, stop in spans if start <= moment < stop) for moment, _ in spans)
    assert busiest == 2


def test_a_job_asking_more_vcpus_than_the_environment_has_waits_runnable_with_the_reason(
    session: boto3.Session, echo_lab: dict[str, str]
) -> None:
    batch = session.client("batch")
    job_id = submit(
        session,
        echo_lab,
        containerOverrides={"resourceRequirements": [{"type": "VCPU", "value": "8"}]},
    )
    time.sleep(1.5)
    job = batch.describe_jobs(jobs=[job_id])["jobs"][0]
    assert job["status"] == "RUNNABLE"
    assert job["statusReason"].startswith("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE")
    batch.cancel_job(jobId=job_id, reason="it can never run")
    cancelled = wait_done(batch, job_id)
    assert (cancelled["status"], cancelled["statusReason"]) == ("FAILED", "it can never run")


def test_without_a_public_ip_in_a_subnet_without_nat_the_image_cannot_be_pulled(
    session: boto3.Session,
) -> None:
    lab = deployed(session, batch_lab(python_command("print(1)"), public_ip=False))
    job = wait_done(session.client("batch"), submit(session, lab))
    assert job["status"] == "FAILED"
    assert job["statusReason"] == "Task failed to start"
    assert job["container"]["reason"].startswith("CannotPullContainerError:")
    assert "exitCode" not in job["container"]


def test_list_jobs_without_a_status_lists_the_running_ones_only(
    session: boto3.Session, echo_lab: dict[str, str]
) -> None:
    batch = session.client("batch")
    job_id = submit(session, echo_lab)
    wait_done(batch, job_id)
    assert job_id not in [j["jobId"] for j in batch.list_jobs(jobQueue=echo_lab["Queue"])["jobSummaryList"]]
    succeeded = batch.list_jobs(jobQueue=echo_lab["Queue"], jobStatus="SUCCEEDED")["jobSummaryList"]
    assert job_id in [j["jobId"] for j in succeeded]


@pytest.mark.parametrize(
    ("arguments", "refused"),
    [
        ({"arrayProperties": {"size": 1}}, "Array size must be between 2 and 10,000"),
        ({"arrayProperties": {"size": 10_001}}, "Array size must be between 2 and 10,000"),
        ({"timeout": {"attemptDurationSeconds": 30}}, "attemptDurationSeconds must be at least 60"),
    ],
)
def test_submit_job_refuses_what_aws_refuses(
    session: boto3.Session, echo_lab: dict[str, str], arguments: dict[str, Any], refused: str
) -> None:
    with pytest.raises(ClientError, match=refused):
        submit(session, echo_lab, **arguments)


def test_submit_job_refuses_a_deregistered_job_definition_and_a_name_means_its_latest_active_revision(
    session: boto3.Session,
) -> None:
    lab = deployed(session, batch_lab(python_command(ECHO)))
    batch = session.client("batch")
    first = batch.describe_job_definitions(jobDefinitions=[lab["Definition"]])["jobDefinitions"][0]
    name = first["jobDefinitionName"]
    second = batch.register_job_definition(
        jobDefinitionName=name,
        type="container",
        platformCapabilities=["FARGATE"],
        containerProperties=first["containerProperties"],
    )["jobDefinitionArn"]
    batch.deregister_job_definition(jobDefinition=second)

    for inactive in (second, f"{name}:{second.rsplit(':', 1)[-1]}"):
        with pytest.raises(ClientError, match="does not exist or is not in ACTIVE status") as refused:
            batch.submit_job(jobName="lab-array", jobQueue=lab["Queue"], jobDefinition=inactive)
        assert refused.value.response["Error"]["Code"] == "ClientException"
    by_name = batch.submit_job(jobName="lab-array", jobQueue=lab["Queue"], jobDefinition=name)["jobId"]
    assert batch.describe_jobs(jobs=[by_name])["jobs"][0]["jobDefinition"] == lab["Definition"]
    batch.deregister_job_definition(jobDefinition=lab["Definition"])
    with pytest.raises(ClientError, match=f"JobDefinition {name} does not exist or is not in ACTIVE status"):
        batch.submit_job(jobName="lab-array", jobQueue=lab["Queue"], jobDefinition=name)
