"""AWS CloudFormation's own types: stacks, custom resources (every `Custom::<Name>` is one) and waits."""

from __future__ import annotations

from labs.catalogue.entry import Free, Leftovers, ResourceType

# CloudFormation treats `Custom::<Name>` as this type (its user guide, "Custom resources")
CUSTOM_RESOURCE_TYPE = "AWS::CloudFormation::CustomResource"

STACK = ResourceType(
    cfn_type="AWS::CloudFormation::Stack",
    price=Free(),
    deploy_actions=(
        "cloudformation:CreateStack",
        "cloudformation:UpdateStack",
        "cloudformation:DeleteStack",
        "cloudformation:DescribeStacks",
    ),
    # every leftovers run lists the stacks (ListStacks) and judges each; the tagging API's copy is skipped
    leftovers=Leftovers(tag_arn="cloudformation:stack"),
)
CUSTOM_RESOURCE = ResourceType(
    cfn_type=CUSTOM_RESOURCE_TYPE,
    price=Free(),
    # CloudFormation invokes the custom resource's function itself
    deploy_actions=("lambda:InvokeFunction",),
    leftovers=Leftovers(
        goes_with="a custom resource owns nothing in AWS; what its function made is found as such"
    ),
    tagged=False,
)
WAIT_CONDITION = ResourceType(
    cfn_type="AWS::CloudFormation::WaitCondition",
    price=Free(),
    deploy_actions=(),
    leftovers=Leftovers(goes_with="a wait inside its stack: nothing in the account"),
    tagged=False,
)
WAIT_CONDITION_HANDLE = ResourceType(
    cfn_type="AWS::CloudFormation::WaitConditionHandle",
    price=Free(),
    deploy_actions=(),
    leftovers=Leftovers(goes_with="a signal URL of its stack: nothing in the account"),
    tagged=False,
)
