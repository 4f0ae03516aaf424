"""Application Auto Scaling's types: what scales a function's provisioned concurrency or a table."""

from __future__ import annotations

from labs.catalogue.entry import Free, Leftovers, ResourceType

SCALABLE_TARGET = ResourceType(
    cfn_type="AWS::ApplicationAutoScaling::ScalableTarget",
    price=Free(),
    deploy_actions=(
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:DescribeScalableTargets",
    ),
    leftovers=Leftovers(goes_with="a registration on its resource: what it scales is found as that resource"),
    tagged=False,
)
SCALING_POLICY = ResourceType(
    cfn_type="AWS::ApplicationAutoScaling::ScalingPolicy",
    price=Free(),
    deploy_actions=(
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy",
        "application-autoscaling:DescribeScalingPolicies",
    ),
    leftovers=Leftovers(goes_with="a policy of its scalable target, deregistered with it"),
    tagged=False,
)
