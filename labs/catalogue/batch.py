"""AWS Batch's compute environments, job queues and job definitions: none bills by itself; a Fargate compute
environment's jobs run as Fargate tasks, each billed per second with a one-minute minimum while it runs."""

from __future__ import annotations

from labs.catalogue.entry import ByUse, Free, Leftovers, QuotaUse, ResourceType

# What the spend guard sees of a running job: Batch runs it as a task in an ECS cluster it manages for the
# compute environment (AWSBatch-<environment>-<id>), which the ECS cluster entry's scan lists and prices
# with every other cluster's Fargate tasks (labs/catalogue/ecs.py); a scan here would count them twice.
COMPUTE_ENVIRONMENT = ResourceType(
    cfn_type="AWS::Batch::ComputeEnvironment",
    # idle, a Fargate environment runs nothing; its jobs' tasks bill by use
    price=ByUse(),
    # the handlers' permissions of the type's resource schema; without a ServiceRole the account's first
    # environment creates Batch's service-linked role, AWSServiceRoleForBatch
    deploy_actions=(
        "batch:CreateComputeEnvironment",
        "batch:UpdateComputeEnvironment",
        "batch:DeleteComputeEnvironment",
        "batch:DescribeComputeEnvironments",
        "batch:TagResource",
        "iam:CreateServiceLinkedRole",
    ),
    leftovers=Leftovers(tag_arn="batch:compute-environment"),
    # its MaxvCpus, taken of Fargate's own vCPU quota only while jobs run (labs/preflight/quotas.py)
    quota=QuotaUse("fargate", "L-3032A538", counts="vcpus"),
)
JOB_QUEUE = ResourceType(
    cfn_type="AWS::Batch::JobQueue",
    price=Free(),
    deploy_actions=(
        "batch:CreateJobQueue",
        "batch:UpdateJobQueue",
        "batch:DeleteJobQueue",
        "batch:DescribeJobQueues",
        "batch:TagResource",
    ),
    leftovers=Leftovers(tag_arn="batch:job-queue"),
)
JOB_DEFINITION = ResourceType(
    cfn_type="AWS::Batch::JobDefinition",
    # a definition is a document; the jobs that use it bill through their compute environment
    price=Free(),
    deploy_actions=(
        "batch:RegisterJobDefinition",
        "batch:DeregisterJobDefinition",
        "batch:DescribeJobDefinitions",
        "batch:TagResource",
        "iam:PassRole",
    ),
    # a deleted stack deregisters it (INACTIVE, kept up to 180 days, DeregisterJobDefinition's reference)
    leftovers=Leftovers(tag_arn="batch:job-definition"),
)
