"""Amazon ECR's repository (billed by the GB stored)."""

from __future__ import annotations

from labs.catalogue.entry import ByUse, Leftovers, ResourceType

REPOSITORY = ResourceType(
    cfn_type="AWS::ECR::Repository",
    price=ByUse(),
    deploy_actions=(
        "ecr:CreateRepository",
        "ecr:DeleteRepository",
        "ecr:DescribeRepositories",
        "ecr:PutLifecyclePolicy",
        "ecr:TagResource",
    ),
    leftovers=Leftovers(tag_arn="ecr:repository"),
)
