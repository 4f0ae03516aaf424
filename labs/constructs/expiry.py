"""Auto-expiry: EventBridge Scheduler deletes the lab's own stack once its time-to-live is over."""

from __future__ import annotations

from datetime import datetime

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from labs.constructs.nag import acknowledge
from labs.shared_facts import DEAD_LETTERS_ID

# Scheduler's universal target: calls CloudFormation's DeleteStack API with the input below
DELETE_STACK_ACTION = "aws-sdk:cloudformation:deleteStack"
# the group of a schedule that names none (Scheduler API reference: CreateSchedule, GroupName)
SCHEDULE_GROUP = "default"
# long enough to read after a weekend; the queue itself goes with the stack
DEAD_LETTER_RETENTION = Duration.days(4)


def delete_stack_target(partition: str) -> str:
    """The universal target's ARN in the stack's own partition (aws, aws-cn, aws-us-gov)."""
    return f"arn:{partition}:scheduler:::{DELETE_STACK_ACTION}"


def at_expression(moment: datetime) -> str:
    """Scheduler's one-time expression; the time zone goes in ScheduleExpressionTimezone."""
    return f"at({moment:%Y-%m-%dT%H:%M:%S})"


class StackExpiry(Construct):
    """A one-time schedule that calls DeleteStack on this stack only, with a role allowed nothing else, and
    a dead-letter queue that keeps what Scheduler saw when it could not."""

    def __init__(self, scope: Construct, construct_id: str, *, expires_at: datetime) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.expires_at = expires_at
        self.role = iam.Role(
            self,
            "DeleteStackRole",
            description="Lets EventBridge Scheduler delete this one lab stack when its time-to-live ends",
            # Scheduler user guide, "Confused deputy prevention": aws:SourceArn names the schedule group
            # (never a schedule or a name prefix, it says); the lab's schedule is in the default group
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={
                    "StringEquals": {
                        "aws:SourceAccount": stack.account,
                        "aws:SourceArn": stack.format_arn(
                            service="scheduler", resource="schedule-group", resource_name=SCHEDULE_GROUP
                        ),
                    }
                },
            ),
        )
        # CloudFormation deletes the resources with the stack's own execution role (CDK bootstrap's),
        # so the scheduler needs DeleteStack on this stack's id and nothing more.
        self.role.add_to_policy(
            iam.PolicyStatement(actions=["cloudformation:DeleteStack"], resources=[stack.stack_id])
        )
        self.dead_letters = self._dead_letter_queue()
        # Scheduler sends dead-letter events with the schedule's role (docs: configuring-schedule-dlq)
        self.role.add_to_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn])
        )
        self.schedule = scheduler.CfnSchedule(
            self,
            "DeleteStackSchedule",
            description=f"Deletes lab stack {stack.stack_name} at {expires_at:%Y-%m-%d %H:%M} UTC",
            schedule_expression=at_expression(expires_at),
            schedule_expression_timezone="UTC",
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            target=scheduler.CfnSchedule.TargetProperty(
                arn=delete_stack_target(stack.partition),
                role_arn=self.role.role_arn,
                input=stack.to_json_string({"StackName": stack.stack_id}),
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                    maximum_event_age_in_seconds=3600, maximum_retry_attempts=5
                ),
                dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
                    arn=self.dead_letters.queue_arn
                ),
            ),
        )
        # the policy (not only the role) must exist before the schedule can fire with the role
        policy = self.role.node.find_child("DefaultPolicy")
        self.schedule.node.add_dependency(policy)

    def _dead_letter_queue(self) -> sqs.Queue:
        # a standard queue with SQS-managed keys: Scheduler cannot use FIFO queues as dead-letter queues
        queue = sqs.Queue(
            self,
            DEAD_LETTERS_ID,  # under EXPIRY_ID: logical id EXPIRY_DEAD_LETTERS_PREFIX..., what checks find
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DEAD_LETTER_RETENTION,
            removal_policy=RemovalPolicy.DESTROY,
            # SQS's default stated: it marks the queue as a dead-letter queue (Control Tower's CT.SQS.PR.1)
            redrive_allow_policy=sqs.RedriveAllowPolicy(redrive_permission=sqs.RedrivePermission.ALLOW_ALL),
        )
        acknowledge(
            queue,
            "AwsSolutions-SQS3",
            "This queue is itself the expiry schedule's dead-letter queue; a learner reads it by hand.",
        )
        return queue
