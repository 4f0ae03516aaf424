"""LabBatch's check of what the stack deployed: Fargate (not Fargate Spot) capacity in public subnets, the
queue in front of it, and the job definition's facts (image platform, size, public IP, role, logs, timeout,
retries)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labs.batch import spec
from labs.catalogue.batch import COMPUTE_ENVIRONMENT, JOB_DEFINITION, JOB_QUEUE
from labs.checks.gone import report_gone
from labs.checks.report import CheckReport
from labs.checks.steps import step_hint
from labs.deployed.stack import DeployedStack

if TYPE_CHECKING:
    import boto3

SOLUTION = "labs/batch/constructs.py (ArrayChild)"
# a compute environment or job queue being deleted, or deleted, as DescribeComputeEnvironments and
# DescribeJobQueues show it until it is gone from their answers
GONE_STATUSES = frozenset({"DELETING", "DELETED"})


def check_compute_environment(
    report: CheckReport, session: boto3.Session, stack: DeployedStack
) -> str | None:
    """VALID and ENABLED, managed Fargate (not Spot), capped, in subnets routed to an internet gateway; its
    ARN, or None."""
    arn = stack.physical_id(COMPUTE_ENVIRONMENT.cfn_type)
    found = (
        session.client("batch").describe_compute_environments(computeEnvironments=[arn])[
            "computeEnvironments"
        ]
        if arn
        else []
    )
    found = [environment for environment in found if environment.get("status") not in GONE_STATUSES]
    if arn and not found:
        report_gone(report, "Compute environment", arn)
        return None
    if not found:
        report.add(
            "Compute environment", False, "the stack has no compute environment", hint="redeploy the lab"
        )
        return None
    environment = found[0]
    resources = environment.get("computeResources") or {}
    problems = []
    if environment.get("status") != "VALID" or environment.get("state") != "ENABLED":
        problems.append(f"it is {environment.get('status')} and {environment.get('state')}")
    if resources.get("type") != "FARGATE":
        problems.append(
            f"its type is {resources.get('type')}: Fargate Spot runs no ARM64, EC2 needs instances"
        )
    if int(resources.get("maxvCpus") or 0) > spec.MAX_VCPUS:
        problems.append(f"maxvCpus {resources.get('maxvCpus')} lets a runaway array job cost more")
    private = private_subnets(session.client("ec2"), list(resources.get("subnets") or []))
    if private:
        problems.append(f"subnets with no route to an internet gateway: {', '.join(private)}")
    report.add(
        "Compute environment",
        not problems,
        "; ".join(problems)
        if problems
        else f"{environment['computeEnvironmentName']}: VALID, ENABLED, FARGATE, maxvCpus "
        f"{resources.get('maxvCpus')}, in {len(resources.get('subnets') or [])} public subnets",
        hint="the kit's FargateCapacity builds it (labs/batch/constructs.py): redeploy the lab",
    )
    return str(environment["computeEnvironmentArn"]) if not problems else None


def private_subnets(ec2: Any, subnets: list[str]) -> list[str]:
    """The subnets whose default route does not reach an internet gateway."""
    private = []
    for subnet in subnets:
        tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
        routes = [route for table in tables["RouteTables"] for route in table.get("Routes", [])]
        if not any(
            route.get("DestinationCidrBlock") == "0.0.0.0/0"
            and str(route.get("GatewayId", "")).startswith("igw-")
            for route in routes
        ):
            private.append(subnet)
    return private


def check_queue(report: CheckReport, batch: Any, stack: DeployedStack, environment: str | None) -> str | None:
    """VALID and ENABLED, in front of the compute environment; its ARN, or None."""
    arn = stack.physical_id(JOB_QUEUE.cfn_type)
    found = batch.describe_job_queues(jobQueues=[arn])["jobQueues"] if arn else []
    found = [queue for queue in found if queue.get("status") not in GONE_STATUSES]
    if arn and not found:
        report_gone(report, "Job queue", arn)
        return None
    if not found:
        report.add("Job queue", False, "the stack has no job queue", hint="redeploy the lab")
        return None
    queue = found[0]
    order = [str(entry.get("computeEnvironment")) for entry in queue.get("computeEnvironmentOrder", [])]
    works = (
        queue.get("status") == "VALID"
        and queue.get("state") == "ENABLED"
        and (environment is None or environment in order)
    )
    behind = (
        "in front of the compute environment" if environment in order else f"compute environments {order}"
    )
    report.add(
        "Job queue",
        works,
        f"{queue['jobQueueName']}: {queue.get('status')}, {queue.get('state')}, {behind}",
        hint="the kit's FargateCapacity builds it (labs/batch/constructs.py): redeploy the lab",
    )
    return str(queue["jobQueueArn"]) if works else None


def definition_problems(definition: dict[str, Any], log_groups: list[str]) -> list[str]:
    """What the job definition gets wrong of the lab's facts, if anything."""
    container = definition.get("containerProperties") or {}
    requirements = {
        str(r["type"]).upper(): str(r["value"]) for r in container.get("resourceRequirements", [])
    }
    options = (container.get("logConfiguration") or {}).get("options") or {}
    architecture = (container.get("runtimePlatform") or {}).get("cpuArchitecture", "X86_64")
    problems = []
    if "FARGATE" not in (definition.get("platformCapabilities") or []):
        problems.append("it is not for Fargate (platformCapabilities FARGATE)")
    if architecture != spec.CPU_ARCHITECTURE:
        problems.append(
            f"it runs on {architecture}, not {spec.CPU_ARCHITECTURE} (Graviton: about 20% cheaper)"
        )
    if (
        float(requirements.get("VCPU", 0)) > spec.CHILD_VCPUS
        or int(requirements.get("MEMORY", 0)) > spec.CHILD_MEMORY_MIB
    ):
        problems.append(
            f"{requirements.get('VCPU')} vCPU and {requirements.get('MEMORY')} MiB, more than "
            f"{spec.CHILD_VCPUS} vCPU and {spec.CHILD_MEMORY_MIB} MiB"
        )
    if (container.get("networkConfiguration") or {}).get("assignPublicIp") != "ENABLED":
        problems.append("no public IP: in the lab's NAT-free subnets the image cannot be pulled")
    if not container.get("jobRoleArn"):
        problems.append("no job role: a child has no credentials to read its input")
    if options.get("awslogs-group") not in log_groups:
        problems.append("its logs do not go to a log group of the stack (Batch's /aws/batch/job outlives it)")
    if not (definition.get("timeout") or {}).get("attemptDurationSeconds"):
        problems.append("no timeout: a stuck child runs (and bills) until someone stops it")
    if int((definition.get("retryStrategy") or {}).get("attempts") or 1) < 2:
        problems.append("no retry: one network error fails its child")
    return problems


def check_job_definition(report: CheckReport, batch: Any, stack: DeployedStack) -> dict[str, Any] | None:
    """Step 1: the job definition's facts; the definition, or None when the stack has none active (the
    starter's step 1 not written yet, or the definition deregistered by hand: INACTIVE)."""
    arn = stack.physical_id(JOB_DEFINITION.cfn_type)
    found = batch.describe_job_definitions(jobDefinitions=[arn])["jobDefinitions"] if arn else []
    active = [d for d in found if d.get("status") == "ACTIVE"]
    write = step_hint(
        spec.STEPS,
        1,
        "batch.EcsJobDefinition(container=batch.EcsFargateContainerDefinition(image=..., cpu=0.25, "
        "memory=Size.mebibytes(512), assign_public_ip=True, "
        "fargate_cpu_architecture=ecs.CpuArchitecture.ARM64, "
        f"job_role=..., logging=ecs.LogDriver.aws_logs(..., log_group=...)), timeout=..., retry_attempts=2); "
        f"see {SOLUTION}",
    )
    if arn and not active:
        report_gone(report, "Job definition", arn)
        return None
    if not active:
        report.add("Job definition", False, "the stack has no active job definition", hint=write)
        return None
    definition: dict[str, Any] = active[0]
    log_groups = [r.physical_id for r in stack.of_type("AWS::Logs::LogGroup")]
    problems = definition_problems(definition, log_groups)
    container = definition.get("containerProperties") or {}
    report.add(
        "Job definition",
        not problems,
        "; ".join(problems)
        if problems
        else f"{definition['jobDefinitionName']}:{definition['revision']}: {container.get('image')} on "
        f"Fargate {spec.CPU_ARCHITECTURE}, {spec.CHILD_VCPUS} vCPU / {spec.CHILD_MEMORY_MIB} MiB, public IP, "
        "job role, "
        f"logs in the stack's group, timeout {definition['timeout']['attemptDurationSeconds']} s, "
        f"{definition['retryStrategy']['attempts']} attempts",
        hint=write,
    )
    return definition
