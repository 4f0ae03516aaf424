"""LabSpot's own constructs: the log group the two Spot events land in, and the FIS experiment that sends a
real interruption on AWS."""

from __future__ import annotations

from aws_cdk import Aws, Duration, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_fis as fis
from aws_cdk import aws_iam as iam
from constructs import Construct

from labs.constructs.functions import LabFunction
from labs.constructs.log_groups import lab_log_group
from labs.constructs.nag import acknowledge
from labs.spot.spec import (
    FILTER_HANDLER,
    FIS_DURATION_BEFORE_INTERRUPTION,
    FIS_TARGET,
    INSTANCE_TYPES,
    ON_DEMAND_BASE_CAPACITY,
    ON_DEMAND_PERCENTAGE_ABOVE_BASE,
)
from local_aws.client import FIS_ACTION, SPOT_EVENT_TYPES
from spot_events.environment import GROUP_NAME_TAG, FilterEnvironment


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


class SpotEventsLog(Construct):
    """The two Spot events of the group's own instances, in a log group: an EventBridge rule on the default
    bus sends the region's Spot events to a small function that keeps the group's and writes them there.

    Not a log-group target: EventBridge writes to CloudWatch Logs only through a resource policy, an account
    holds 10 per region (not adjustable), and one per stack stopped the 11th learner of a shared account; the
    rule would also hand each learner every other learner's warnings. The function's role writes with an
    identity policy, and a Lambda permission is the function's own.
    """

    def __init__(self, scope: Construct, construct_id: str, *, group_name: str) -> None:
        super().__init__(scope, construct_id)
        # EventBridge's console offers log groups under /aws/events/ as targets: the learner finds it there
        # the stack's name as a token: unique per learner, resolved by CloudFormation
        self.log_group = lab_log_group(self, "LogGroup", log_group_name=f"/aws/events/{Aws.STACK_NAME}")
        settings = FilterEnvironment(group_name=group_name, log_group=self.log_group.log_group_name)
        self.filter = LabFunction(
            self,
            "Filter",
            handler=FILTER_HANDLER,
            description="Keeps the Spot events of the lab's own group and writes them to its log group",
            timeout=Duration.seconds(10),
            environment=settings.as_variables(),
        )
        self.log_group.grant_write(self.filter.role)
        self.filter.allow(actions=["ec2:DescribeTags"], resources=["*"])
        acknowledge(
            self.filter.role,
            "AwsSolutions-IAM5[Resource::*]",
            "ec2:DescribeTags supports no resource-level permission; the filter reads only an instance's "
            "aws:autoscaling:groupName tag.",
        )
        self.rule = events.Rule(
            self,
            "Rule",
            description="Spot interruption warnings and rebalance recommendations, to the lab's event filter",
            event_pattern=events.EventPattern(source=["aws.ec2"], detail_type=list(SPOT_EVENT_TYPES)),
            # a warning older than its two minutes tells nothing: no retry for an hour
            targets=[
                targets.LambdaFunction(
                    self.filter.function, retry_attempts=2, max_event_age=Duration.minutes(15)
                )
            ],
        )


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
            # FIS user guide, "Use IAM roles for AWS FIS experiments": the confused deputy conditions
            assumed_by=iam.ServicePrincipal(
                "fis.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="fis", resource="experiment", resource_name="*"
                        )
                    },
                },
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
