"""Log groups the stack owns, so `cdk destroy` removes them instead of leaving them billing storage."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Construct

# a year, as Control Tower's CT.CLOUDWATCH.PR.2 requires: free here, the group is deleted with its stack
LAB_LOG_RETENTION = logs.RetentionDays.ONE_YEAR


def lab_log_group(scope: Construct, construct_id: str, *, log_group_name: str | None = None) -> logs.LogGroup:
    """A log group with a year's retention that is deleted with its stack."""
    return logs.LogGroup(
        scope,
        construct_id,
        log_group_name=log_group_name,
        retention=LAB_LOG_RETENTION,
        removal_policy=RemovalPolicy.DESTROY,
    )
