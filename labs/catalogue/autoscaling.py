"""Amazon EC2 Auto Scaling's types: the group (priced as the instances it keeps) and what hangs on it."""

from __future__ import annotations

from labs.catalogue.ec2 import NETWORK_INTERFACE_TYPE, VOLUME_TYPE
from labs.catalogue.ec2_billing import price_machines
from labs.catalogue.entry import Free, Hourly, Leftovers, QuotaUse, ResourceType
from labs.catalogue.reading import names

_ON_ITS_GROUP = Leftovers(goes_with="part of its Auto Scaling group, deleted with it")

AUTO_SCALING_GROUP = ResourceType(
    cfn_type="AWS::AutoScaling::AutoScalingGroup",
    price=Hourly(price_machines),
    deploy_actions=(
        "autoscaling:CreateAutoScalingGroup",
        "autoscaling:UpdateAutoScalingGroup",
        "autoscaling:DeleteAutoScalingGroup",
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:CreateOrUpdateTags",
        "ec2:RunInstances",
        "ec2:CreateTags",
        "iam:CreateServiceLinkedRole",
        "iam:PassRole",
    ),
    leftovers=Leftovers(
        tag_arn="autoscaling:autoScalingGroup",
        names=names(
            "autoscaling", "describe_auto_scaling_groups", "AutoScalingGroups", "AutoScalingGroupName"
        ),
    ),
    # its instances' volumes and interfaces carry tags only when its launch template asks for them
    untagged_companions=(VOLUME_TYPE, NETWORK_INTERFACE_TYPE),
    quota=QuotaUse("ec2", "L-1216C47A", counts="vcpus"),
)
LAUNCH_CONFIGURATION = ResourceType(
    cfn_type="AWS::AutoScaling::LaunchConfiguration",
    price=Free(),
    deploy_actions=(
        "autoscaling:CreateLaunchConfiguration",
        "autoscaling:DeleteLaunchConfiguration",
        "autoscaling:DescribeLaunchConfigurations",
        "iam:PassRole",
    ),
    leftovers=Leftovers(
        goes_with="a configuration that bills nothing; its group's instances are found as such"
    ),
    tagged=False,
)
LIFECYCLE_HOOK = ResourceType(
    cfn_type="AWS::AutoScaling::LifecycleHook",
    price=Free(),
    deploy_actions=(
        "autoscaling:PutLifecycleHook",
        "autoscaling:DeleteLifecycleHook",
        "autoscaling:DescribeLifecycleHooks",
        "iam:PassRole",
    ),
    leftovers=_ON_ITS_GROUP,
    tagged=False,
)
SCALING_POLICY = ResourceType(
    cfn_type="AWS::AutoScaling::ScalingPolicy",
    price=Free(),
    deploy_actions=(
        "autoscaling:PutScalingPolicy",
        "autoscaling:DeletePolicy",
        "autoscaling:DescribePolicies",
    ),
    leftovers=_ON_ITS_GROUP,
    tagged=False,
)
SCHEDULED_ACTION = ResourceType(
    cfn_type="AWS::AutoScaling::ScheduledAction",
    price=Free(),
    deploy_actions=(
        "autoscaling:PutScheduledUpdateGroupAction",
        "autoscaling:DeleteScheduledAction",
        "autoscaling:DescribeScheduledActions",
    ),
    leftovers=_ON_ITS_GROUP,
    tagged=False,
)
