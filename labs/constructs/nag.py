"""Scoped acknowledgements of cdk-nag rules: each names the resource it covers and why."""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge an AwsSolutions rule or finding (`AwsSolutions-IAM5[Resource::*]`) on `scope` only."""
    # cdk-nag 3 reads acknowledgements by plugin-prefixed id; without the prefix they match nothing
    Validations.of(scope).acknowledge(Acknowledgment(id=f"AwsSolutions::{rule_id}", reason=reason))


def arn_finding(element: IConstruct, suffix: str) -> str:
    """The `<LogicalId.Arn>/*` form cdk-nag uses in a wildcard finding about `element`'s ARN."""
    cfn = element.node.default_child if not isinstance(element, CfnElement) else element
    if not isinstance(cfn, CfnElement):
        raise TypeError(f"{element.node.path} has no CloudFormation resource to name")
    stack = Stack.of(cfn)
    return f"Resource::<{stack.resolve(stack.get_logical_id(cfn))}.Arn>{suffix}"
