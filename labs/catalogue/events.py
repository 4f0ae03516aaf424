"""Amazon EventBridge's rules and event buses (billed per event)."""

from __future__ import annotations

from labs.catalogue.entry import ByUse, Leftovers, ResourceType

RULE = ResourceType(
    cfn_type="AWS::Events::Rule",
    price=ByUse(),
    deploy_actions=(
        "events:PutRule",
        "events:DescribeRule",
        "events:PutTargets",
        "events:ListTargetsByRule",
        "events:RemoveTargets",
        "events:DeleteRule",
    ),
    leftovers=Leftovers(tag_arn="events:rule"),
)
EVENT_BUS = ResourceType(
    cfn_type="AWS::Events::EventBus",
    price=ByUse(),
    deploy_actions=(
        "events:CreateEventBus",
        "events:DeleteEventBus",
        "events:DescribeEventBus",
        "events:TagResource",
    ),
    leftovers=Leftovers(tag_arn="events:event-bus"),
)
