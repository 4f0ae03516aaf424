"""LabBatch's parts: Fargate capacity behind a job queue, the input set in the lab's bucket, and the array
job's child, each a construct with keyword-only arguments that exposes its resources."""

from __future__ import annotations

from typing import Any

from aws_cdk import CustomResource, Duration, Size
from aws_cdk import aws_batch as batch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from labs.batch import spec
from labs.constructs.functions import LabFunction
from labs.constructs.log_groups import lab_log_group
from labs.constructs.nag import acknowledge, arn_finding
from labs.constructs.storage import LabBucket


def child_container() -> dict[str, Any]:
    """What the child's container is, wherever it is defined: its image, size, command and architecture."""
    return {
        "image": ecs.ContainerImage.from_registry(spec.IMAGE),
        "cpu": spec.CHILD_VCPUS,
        "memory": Size.mebibytes(spec.CHILD_MEMORY_MIB),
        "command": spec.child_command(),
        "fargate_cpu_architecture": ecs.CpuArchitecture.ARM64,
    }


class FargateCapacity(Construct):
    """A Fargate (not Fargate Spot) compute environment in the given subnets, capped at `max_vcpus`, behind
    a job queue that cancels a job stuck in RUNNABLE for want of capacity it can never get."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        max_vcpus: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.security_group = ec2.SecurityGroup(
            self,
            "NoInbound",
            vpc=vpc,
            description="Outbound only: the children pull their image and call S3; nothing calls them",
            allow_all_outbound=True,
        )
        # no service role: Batch uses its service-linked role AWSServiceRoleForBatch (one per account)
        self.compute_environment = batch.FargateComputeEnvironment(
            self,
            "ComputeEnvironment",
            vpc=vpc,
            vpc_subnets=subnets,
            security_groups=[self.security_group],
            # Fargate Spot runs no ARM64: an ARM64 job on a Spot-only queue would wait in RUNNABLE for ever
            spot=False,
            maxv_cpus=max_vcpus,
        )
        self.queue = batch.JobQueue(
            self,
            "Queue",
            compute_environments=[
                batch.OrderedComputeEnvironment(compute_environment=self.compute_environment, order=1)
            ],
            priority=1,
            # a job the environment can never place (more vCPUs than it may have) is cancelled, not billed
            job_state_time_limit_actions=[
                batch.JobStateTimeLimitAction(
                    max_time=Duration.seconds(spec.RUNNABLE_LIMIT_S),
                    reason=reason,
                    action=batch.JobStateTimeLimitActionsAction.CANCEL,
                    state=batch.JobStateTimeLimitActionsState.RUNNABLE,
                )
                for reason in (
                    batch.JobStateTimeLimitActionsReason.COMPUTE_ENVIRONMENT_MAX_RESOURCE,
                    batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
                )
            ],
        )


class InputSet(Construct):
    """The lab's bucket, emptied on delete, holding the input set the stack writes at deploy (one CSV per
    child); a function that may only put those objects writes them through a custom resource."""

    def __init__(self, scope: Construct, construct_id: str, *, objects: dict[str, str]) -> None:
        super().__init__(scope, construct_id)
        self.storage = LabBucket(self, "Data")
        self.bucket = self.storage.bucket
        self.writer = LabFunction(
            self,
            "Writer",
            handler="object_writer.handler.handler",
            description="Writes the input set into the lab bucket at deploy",
            timeout=Duration.minutes(1),
        )
        self.writer.allow(
            actions=["s3:PutObject"], resources=[self.bucket.arn_for_objects(f"{spec.INPUT_PREFIX}*")]
        )
        acknowledge(
            self.writer.role,
            f"AwsSolutions-IAM5[{arn_finding(self.bucket, f'/{spec.INPUT_PREFIX}*')}]",
            "The writer puts the input files, only under inputs/ of this bucket.",
        )
        self.objects = CustomResource(
            self,
            "Objects",
            service_token=self.writer.function.function_arn,
            resource_type="Custom::LabObjects",
            properties={"BucketName": self.bucket.bucket_name, "Objects": objects},
        )
        # the writer's permissions and log group exist before it runs, and outlive its delete
        self.objects.node.add_dependency(
            self.writer.log_group, self.writer.role.node.find_child("DefaultPolicy")
        )


class ArrayChild(Construct):
    """The array job's job definition: the child script in the public Python image on Fargate ARM64, with a
    job role that may only read the inputs and write the results, and logs in a group the stack owns."""

    def __init__(self, scope: Construct, construct_id: str, *, bucket: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        # the stack's own group: without one, Batch logs to /aws/batch/job, which outlives every stack
        self.log_group = lab_log_group(self, "Logs")
        self.job_role = iam.Role(
            self,
            "JobRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="What a child may do: read the lab's inputs, write its results",
        )
        self.job_role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[bucket.arn_for_objects(f"{spec.INPUT_PREFIX}*")]
            )
        )
        self.job_role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject"], resources=[bucket.arn_for_objects(f"{spec.RESULT_PREFIX}*")]
            )
        )
        acknowledge(
            self.job_role,
            f"AwsSolutions-IAM5[{arn_finding(bucket, f'/{spec.INPUT_PREFIX}*')}]",
            "A child reads the input of its index, known only at run time, and nothing outside inputs/.",
        )
        acknowledge(
            self.job_role,
            f"AwsSolutions-IAM5[{arn_finding(bucket, f'/{spec.RESULT_PREFIX}*')}]",
            "A child writes the result of its index, known only at run time, and nothing outside results/.",
        )
        self.container = batch.EcsFargateContainerDefinition(
            self,
            "Container",
            **child_container(),
            environment={"BUCKET_NAME": bucket.bucket_name},
            job_role=self.job_role,
            # the subnets are public and have no NAT gateway: without a public IP the image cannot be pulled
            assign_public_ip=True,
            fargate_operating_system_family=ecs.OperatingSystemFamily.LINUX,
            logging=ecs.LogDriver.aws_logs(stream_prefix=spec.LOG_STREAM_PREFIX, log_group=self.log_group),
        )
        self.job_definition = batch.EcsJobDefinition(
            self,
            "JobDefinition",
            container=self.container,
            parameters=dict(spec.PARAMETERS),
            timeout=Duration.seconds(spec.ATTEMPT_TIMEOUT_S),
            retry_attempts=spec.RETRY_ATTEMPTS,
            retry_strategies=[
                batch.RetryStrategy.of(
                    batch.Action.EXIT, batch.Reason.custom(on_exit_code=str(spec.BAD_INPUT_EXIT_CODE))
                )
            ],
        )
