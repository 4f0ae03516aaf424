"""Scoped acknowledgements of cdk-nag rules: each names the resource it covers and why."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge one AwsSolutions finding on `scope` (and its children) with a real reason."""
    Validations.of(scope).acknowledge(Acknowledgment(id=rule_id, reason=reason))
