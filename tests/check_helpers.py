"""Helpers for the lab check tests: a mocked AWS account, small lab-like stacks, and a clock that never waits.

Each test builds the few resources its lab check reads through a CloudFormation stack in moto's
`mock_aws`, so the checks find them exactly as they do on AWS: by ListStackResources.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from labs.checks.report import CheckItem, CheckReport, Outcome
from labs.checks.waiting import Waiter
from labs.deployed.session import new_session
from labs.terminal import ProgressUpdate

ACCOUNT = "123456789012"  # moto's default account
NOW = datetime(2030, 1, 1, 0, 0, tzinfo=UTC)
EXPIRES_TAG_VALUE = "2030-01-01T08:00Z"
AMI = "ami-12c6146b"  # any id: moto validates image ids only when asked to


def lab_tags(
    lab_id: str, owner: str = "unset", *, expires: str | None = EXPIRES_TAG_VALUE
) -> list[dict[str, str]]:
    tags = [{"Key": "labkit:lab", "Value": lab_id}, {"Key": "labkit:owner", "Value": owner}]
    return tags + ([{"Key": "labkit:expires-at", "Value": expires}] if expires else [])


@contextmanager
def mocked_session(monkeypatch: pytest.MonkeyPatch, **config: Any) -> Iterator[boto3.Session]:
    """A boto3 session inside mock_aws with fake credentials; nothing reaches a real account."""
    from moto import mock_aws

    for name in (
        "AWS_ENDPOINT_URL",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "LABKIT_EMULATOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # every fresh account would parse moto's catalogue of public images; the tests launch from one fake id
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws(config=config or None):  # type: ignore[arg-type]
        yield fresh_session()


def fresh_session() -> boto3.Session:
    """A session of the test's own (its clients, and what a test registers on them, stay with the test),
    sharing the service models the kit's sessions load: botocore decodes each once per process."""
    return new_session(region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def deploy(
    session: boto3.Session,
    stack_name: str,
    resources: dict[str, Any],
    *,
    tags: list[Any] | None = None,
) -> None:
    """Create a stack from a small template, tagged like a lab stack."""
    session.client("cloudformation").create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps({"Resources": resources}),
        Tags=tags or [],
    )


def fail_deletion(
    stack_name: str,
    logical_id: str,
    reason: str,
    *,
    region: str = "us-east-1",
    resource_type: str = "AWS::IAM::Role",
) -> None:
    """Leave a mocked stack as AWS leaves one whose delete was refused: DELETE_FAILED, with the event why."""
    from moto.cloudformation.models import Event, cloudformation_backends

    (stack,) = [s for s in cloudformation_backends[ACCOUNT][region].stacks.values() if s.name == stack_name]
    stack.status = "DELETE_FAILED"
    stack.events.append(
        Event(stack.stack_id, stack.name, stack.name, stack.stack_id, "AWS::CloudFormation::Stack",
              "DELETE_IN_PROGRESS", "User Initiated", None)
    )  # fmt: skip
    event = Event(stack.stack_id, stack.name, logical_id, "", resource_type, "DELETE_FAILED", reason, None)
    stack.events.append(event)


def set_status(stack_name: str, status: str, *, region: str = "us-east-1") -> None:
    """Put a mocked stack in a state moto never reaches on its own (UPDATE_ROLLBACK_FAILED, ...)."""
    from moto.cloudformation.models import cloudformation_backends

    (stack,) = [s for s in cloudformation_backends[ACCOUNT][region].stacks.values() if s.name == stack_name]
    stack.status = status


def physical_id(session: boto3.Session, stack_name: str, logical_id: str) -> str:
    resources = session.client("cloudformation").list_stack_resources(StackName=stack_name)
    return next(
        r["PhysicalResourceId"]
        for r in resources["StackResourceSummaries"]
        if r.get("LogicalResourceId") == logical_id
    )


def physical_id_of(session: boto3.Session, stack_name: str, prefix: str, resource_type: str) -> str:
    """The physical id of the stack's resource of this type whose logical id starts with `prefix`."""
    summaries = session.client("cloudformation").list_stack_resources(StackName=stack_name)
    return next(
        str(s["PhysicalResourceId"])
        for s in summaries["StackResourceSummaries"]
        if s["ResourceType"] == resource_type and s["LogicalResourceId"].startswith(prefix)
    )


@contextmanager
def _no_progress(_description: str, _timeout_s: float) -> Iterator[ProgressUpdate]:
    yield lambda _status, _elapsed: None


class FakeClock:
    """Time that only moves when the waiter sleeps; `on_sleep` plays what AWS does meanwhile."""

    def __init__(self, on_sleep: Callable[[], None] | None = None) -> None:
        self.now = 0.0
        self.sleeps = 0
        self.on_sleep = on_sleep

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.001)
        self.sleeps += 1
        if self.on_sleep:
            self.on_sleep()

    def waiter(self, timeout_s: float = 30.0, poll_s: float = 5.0) -> Waiter:
        return Waiter(
            timeout_s=timeout_s,
            poll_s=poll_s,
            sleep=self.sleep,
            clock=lambda: self.now,
            progress=_no_progress,
        )


def item(report: CheckReport, name: str) -> CheckItem:
    matches = [i for i in report.items if i.name == name]
    assert matches, f"no item {name!r} in {[i.name for i in report.items]}"
    return matches[0]


def outcomes(report: CheckReport) -> dict[str, Outcome]:
    return {i.name: i.outcome for i in report.items}
