"""AWS Systems Manager's parameter (standard parameters are free)."""

from __future__ import annotations

from labs.catalogue.entry import Free, Leftovers, ResourceType

PARAMETER = ResourceType(
    cfn_type="AWS::SSM::Parameter",
    price=Free(),
    deploy_actions=("ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParameters", "ssm:AddTagsToResource"),
    leftovers=Leftovers(tag_arn="ssm:parameter"),
)
