"""LabBatch rebuilt on CDK's defaults, only to be synthesized and priced beside the kit (`labkit cost`), never
deployed: the same job on the same capacity, in what a plain `ec2.Vpc(self, "Vpc")` gives: a Fargate compute
environment's default subnets are the private ones, whose way out to pull the image is a NAT gateway in each
of the two zones (each with its Elastic IP), and a job definition without a public IP.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_batch as batch
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from labs.batch import spec
from labs.batch.constructs import child_container


class CdkDefaultsBatchStack(Stack):
    """LabBatch on CDK's default VPC: private subnets, two NAT gateways, the job's logs in /aws/batch/job."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        vpc = ec2.Vpc(self, "Vpc")
        environment = batch.FargateComputeEnvironment(
            self, "ComputeEnvironment", vpc=vpc, maxv_cpus=spec.MAX_VCPUS
        )
        batch.JobQueue(
            self,
            "Queue",
            compute_environments=[batch.OrderedComputeEnvironment(compute_environment=environment, order=1)],
        )
        batch.EcsJobDefinition(
            self,
            "JobDefinition",
            container=batch.EcsFargateContainerDefinition(self, "Container", **child_container()),
        )
