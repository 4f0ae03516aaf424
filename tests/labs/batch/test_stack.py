"""LabBatch keeps its promises in its template: Fargate (not Spot) capacity capped at 4 vCPUs in public
subnets with no NAT gateway and Batch's service-linked role, a queue that cancels what can never run, a job
definition for ARM64 at 0.25 vCPU with a public IP, the child's command, a timeout, retries that spare a bad
input and logs in a group the stack owns, a job role that may only read the inputs and write the results,
and the input set written by the stack itself."""

from __future__ import annotations

import json
from typing import Any

import pytest

from labs.batch import spec
from tests.synth import Template, only, props, resources, statements


@pytest.fixture(scope="module")
def batch_template(templates: dict[str, Template]) -> Template:
    return templates["LabBatch"]


def definition(template: Template) -> dict[str, Any]:
    return props(only(template, "AWS::Batch::JobDefinition"))


def test_the_compute_environment_is_managed_fargate_capped_in_public_subnets(
    batch_template: Template,
) -> None:
    environment = props(only(batch_template, "AWS::Batch::ComputeEnvironment"))
    assert environment["Type"].upper() == "MANAGED"
    assert environment["ComputeResources"]["Type"] == "FARGATE"
    assert environment["ComputeResources"]["MaxvCpus"] == spec.MAX_VCPUS
    # Batch's service-linked role: a service role of the stack could be deleted before the environment
    assert "ServiceRole" not in environment
    subnets = {ref["Ref"] for ref in environment["ComputeResources"]["Subnets"]}
    public = {
        k
        for k, r in resources(batch_template, "AWS::EC2::Subnet").items()
        if props(r)["MapPublicIpOnLaunch"] is False
    }
    assert subnets == public
    assert len(subnets) == 2
    assert resources(batch_template, "AWS::EC2::NatGateway") == {}
    assert resources(batch_template, "AWS::EC2::VPCEndpoint") == {}


def test_the_security_group_lets_nothing_in(batch_template: Template) -> None:
    group = props(only(batch_template, "AWS::EC2::SecurityGroup"))
    assert group.get("SecurityGroupIngress", []) == []


def test_the_queue_cancels_a_job_stuck_runnable_for_what_it_can_never_get(batch_template: Template) -> None:
    queue = props(only(batch_template, "AWS::Batch::JobQueue"))
    assert len(queue["ComputeEnvironmentOrder"]) == 1
    limits = queue["JobStateTimeLimitActions"]
    assert {(a["Action"], a["State"], a["MaxTimeSeconds"]) for a in limits} == {("CANCEL", "RUNNABLE", 600)}
    assert {a["Reason"] for a in limits} == {
        "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
        "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
    }


def test_the_job_definition_runs_the_child_on_fargate_arm64_at_the_smallest_size(
    batch_template: Template,
) -> None:
    job = definition(batch_template)
    container = job["ContainerProperties"]
    assert job["PlatformCapabilities"] == ["FARGATE"]
    assert container["RuntimePlatform"] == {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"}
    assert {r["Type"]: r["Value"] for r in container["ResourceRequirements"]} == {
        "VCPU": "0.25",
        "MEMORY": "512",
    }
    assert container["Image"] == spec.IMAGE
    assert container["Image"].startswith("public.ecr.aws/")
    assert container["NetworkConfiguration"] == {"AssignPublicIp": "ENABLED"}
    assert container["Command"] == spec.child_command()
    assert job["Parameters"] == spec.PARAMETERS


def test_a_stuck_child_is_stopped_and_only_what_a_retry_can_fix_is_retried(batch_template: Template) -> None:
    job = definition(batch_template)
    assert job["Timeout"] == {"AttemptDurationSeconds": spec.ATTEMPT_TIMEOUT_S}
    assert job["RetryStrategy"] == {
        "Attempts": spec.RETRY_ATTEMPTS,
        "EvaluateOnExit": [{"Action": "EXIT", "OnExitCode": str(spec.BAD_INPUT_EXIT_CODE)}],
    }


def test_the_children_log_to_a_group_the_stack_owns_and_deletes(batch_template: Template) -> None:
    options = definition(batch_template)["ContainerProperties"]["LogConfiguration"]["Options"]
    group = options["awslogs-group"]["Ref"]
    assert options["awslogs-stream-prefix"] == spec.LOG_STREAM_PREFIX
    assert batch_template["Resources"][group]["DeletionPolicy"] == "Delete"
    assert "/aws/batch/job" not in json.dumps(batch_template)


def test_the_job_role_may_only_read_the_inputs_and_write_the_results(batch_template: Template) -> None:
    role = definition(batch_template)["ContainerProperties"]["JobRoleArn"]["Fn::GetAtt"][0]
    granted = {
        (statement["Action"], statement["Resource"]["Fn::Join"][1][1])
        for statement in statements(batch_template, role)
    }
    assert granted == {("s3:GetObject", "/inputs/*"), ("s3:PutObject", "/results/*")}
    trust = props(batch_template["Resources"][role])["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}


def test_the_stack_writes_the_input_set_with_a_function_that_may_only_put_inputs(
    batch_template: Template,
) -> None:
    objects = props(only(batch_template, "Custom::LabObjects"))
    assert objects["Objects"] == spec.input_set()
    writer = [k for k in resources(batch_template, "AWS::IAM::Role") if k.startswith("InputsWriterRole")]
    puts = [s for s in statements(batch_template, writer[0]) if s["Action"] == "s3:PutObject"]
    assert [s["Resource"]["Fn::Join"][1][1] for s in puts] == ["/inputs/*"]


def test_the_outputs_are_the_hands_ons_commands(batch_template: Template) -> None:
    outputs = batch_template["Outputs"]
    submit = json.dumps(outputs["SubmitCommand"]["Value"])
    assert f"--array-properties size={spec.ARRAY_SIZE}" in submit
    for name in ("WatchCommand", "ChildrenCommand", "ChildLogCommand", "ResultsCommand"):
        assert name in outputs
