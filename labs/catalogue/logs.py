"""Amazon CloudWatch Logs' types: log groups (billed by the GB), resource policies and filters."""

from __future__ import annotations

from typing import Any

from labs.catalogue.entry import ByUse, Free, Leftovers, ResourceType
from labs.catalogue.reading import names


def _log_group(session: Any, name: str) -> Any | None:
    groups = session.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return next((group for group in groups if group["logGroupName"] == name), None)


LOG_GROUP = ResourceType(
    cfn_type="AWS::Logs::LogGroup",
    price=ByUse(),
    deploy_actions=(
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DescribeLogGroups",
        "logs:TagResource",
    ),
    leftovers=Leftovers(
        tag_arn="logs:log-group",
        names=names("logs", "describe_log_groups", "logGroups", "logGroupName"),
        # Lambda names a function's group /aws/lambda/<function>, Step Functions' vended logs another prefix
        name_prefixes=("/aws/lambda/", "/aws/vendedlogs/states/", ""),
        exists=_log_group,
    ),
)
# an account holds at most 10 per region, and the limit cannot be raised (CloudWatch Logs API reference,
# PutResourcePolicy): preflight counts a class's against it (labs/preflight/log_policies.py)
RESOURCE_POLICIES_PER_REGION = 10
RESOURCE_POLICY = ResourceType(
    cfn_type="AWS::Logs::ResourcePolicy",
    price=Free(),
    deploy_actions=("logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DeleteResourcePolicy"),
    # account-level and free; labkit leftovers notes the log-delivery policy that labs extend
    leftovers=Leftovers(goes_with="an account-level policy, free; deleted with its stack"),
    tagged=False,
)
METRIC_FILTER = ResourceType(
    cfn_type="AWS::Logs::MetricFilter",
    price=Free(),
    deploy_actions=("logs:PutMetricFilter", "logs:DeleteMetricFilter", "logs:DescribeMetricFilters"),
    leftovers=Leftovers(goes_with="a filter of its log group, deleted with it"),
    tagged=False,
)
SUBSCRIPTION_FILTER = ResourceType(
    cfn_type="AWS::Logs::SubscriptionFilter",
    price=Free(),
    deploy_actions=(
        "logs:PutSubscriptionFilter",
        "logs:DeleteSubscriptionFilter",
        "logs:DescribeSubscriptionFilters",
        "iam:PassRole",
    ),
    leftovers=Leftovers(goes_with="a filter of its log group, deleted with it"),
    tagged=False,
)
