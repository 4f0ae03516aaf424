"""LabSpot's own constructs: the log group the two Spot events land in, and the FIS experiment that sends a
real interruption on AWS."""

from __future__ import annotations

from aws_cdk import ArnFormat, Aws, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_fis as fis
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from labs.constructs.log_groups import lab_log_group
from labs.constructs.nag import acknowledge
from labs.spot.spec import (
    FIS_DURATION_BEFORE_INTERRUPTION,
    FIS_TARGET,
    INSTANCE_TYPES,
    ON_DEMAND_BASE_CAPACITY,
    ON_DEMAND_PERCENTAGE_ABOVE_BASE,
)
from local_aws.client import FIS_ACTION, SPOT_EVENT_TYPES


def spot_mixed_instances_policy(*, launch_template: ec2.ILaunchTemplate) -> autoscaling.MixedInstancesPolicy:
    """The lab's Spot capacity: its instance types, all on Spot above the on-demand base, price-capacity-
    optimized (the lab and its CDK-defaults baseline share it, so `labkit cost` prices the same group)."""
    return autoscaling.MixedInstancesPolicy(
        launch_template=launch_template,
        launch_template_overrides=[
            autoscaling.LaunchTemplateOverrides(instance_type=ec2.InstanceType(name))
            for name in INSTANCE_TYPES
        ],
        instances_distribution=autoscaling.InstancesDistribution(
            on_demand_base_capacity=ON_DEMAND_BASE_CAPACITY,
            on_demand_percentage_above_base_capacity=ON_DEMAND_PERCENTAGE_ABOVE_BASE,
            spot_allocation_strategy=autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
        ),
    )


# Auto Scaling tags each instance with its group's name (Auto Scaling user guide: ec2-auto-scaling-tagging)
GROUP_NAME_TAG = "aws:autoscaling:groupName"


class SpotEventsLog(Construct):
    """An EventBridge rule that sends the two Spot events of the account's default bus to a log group.

    Not CDK's `targets.CloudWatchLogGroup`: it writes the log group's resource policy with a custom resource
    (a Node.js Lambda function); an AWS::Logs::ResourcePolicy does the same with no function.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        # EventBridge's console offers log groups under /aws/events/ as targets: the learner finds it there
        # the stack's name as a token: unique per learner, resolved by CloudFormation
        self.log_group = lab_log_group(self, "LogGroup", log_group_name=f"/aws/events/{Aws.STACK_NAME}")
        self.policy = logs.CfnResourcePolicy(
            self,
            "EventsMayWrite",
            policy_name=f"{Aws.STACK_NAME}-spot-events",
            policy_document=stack.to_json_string(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "EventBridgeWritesSpotEvents",
                            "Effect": "Allow",
                            "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": self.log_group.log_group_arn,
                        }
                    ],
                }
            ),
        )
        self.rule = events.CfnRule(
            self,
            "Rule",
            description="Spot interruption warnings and rebalance recommendations, into the lab's log group",
            event_pattern={"source": ["aws.ec2"], "detail-type": list(SPOT_EVENT_TYPES)},
            state="ENABLED",
            targets=[
                events.CfnRule.TargetProperty(
                    id="SpotEventsLog",
                    # the log group's ARN without the trailing `:*` of its Arn attribute
                    arn=stack.format_arn(
                        service="logs",
                        resource="log-group",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        resource_name=self.log_group.log_group_name,
                    ),
                )
            ],
        )
        self.rule.node.add_dependency(self.policy)


class SpotInterruptionExperiment(Construct):
    """An AWS FIS experiment template: interrupt one running Spot instance of the group, after the usual
    two-minute warning. It costs nothing until started ($0.10 per action-minute: about $0.20 a run)."""

    def __init__(self, scope: Construct, construct_id: str, *, group_name: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            description="Lets AWS FIS interrupt the lab group's Spot instances, nothing else",
            assumed_by=iam.ServicePrincipal(
                "fis.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": stack.account}}
            ),
        )
        # FIS actions reference, aws:ec2:send-spot-instance-interruptions: these two permissions
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["ec2:SendSpotInstanceInterruptions"],
                resources=[stack.format_arn(service="ec2", resource="instance", resource_name="*")],
                conditions={"StringEquals": {f"aws:ResourceTag/{GROUP_NAME_TAG}": group_name}},
            )
        )
        self.role.add_to_policy(iam.PolicyStatement(actions=["ec2:DescribeInstances"], resources=["*"]))
        acknowledge(
            self.role,
            "AwsSolutions-IAM5[Resource::*]",
            "ec2:DescribeInstances supports no resource-level permission; it is how FIS finds its targets.",
        )
        acknowledge(
            self.role,
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]",
            "The group's instances come and go: the condition on their aws:autoscaling:groupName tag scopes "
            "the interruption to this lab's group.",
        )
        self.template = fis.CfnExperimentTemplate(
            self,
            "Template",
            description="Interrupt one Spot instance of the lab's group after a two-minute warning",
            role_arn=self.role.role_arn,
            stop_conditions=[
                fis.CfnExperimentTemplate.ExperimentTemplateStopConditionProperty(source="none")
            ],
            targets={
                FIS_TARGET: fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty(
                    resource_type="aws:ec2:spot-instance",
                    resource_tags={GROUP_NAME_TAG: group_name},
                    filters=[
                        fis.CfnExperimentTemplate.ExperimentTemplateTargetFilterProperty(
                            path="State.Name", values=["running"]
                        )
                    ],
                    selection_mode="COUNT(1)",
                )
            },
            actions={
                "interrupt": fis.CfnExperimentTemplate.ExperimentTemplateActionProperty(
                    action_id=FIS_ACTION,
                    description="The Spot interruption warning, then the interruption",
                    parameters={"durationBeforeInterruption": FIS_DURATION_BEFORE_INTERRUPTION},
                    targets={FIS_TARGET: FIS_TARGET},
                )
            },
        )
        # the policy must exist before an experiment can run with the role
        self.template.node.add_dependency(self.role.node.find_child("DefaultPolicy"))
        self.template_id = self.template.attr_id
