"""`labkit class destroy`'s parts: only the roster's kit labs are planned, deletions are waited for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from labs.classroom.accounts import one_account
from labs.classroom.destroy import delete_stacks, plan_destroy, scan_learners
from labs.classroom.inventory import LabStackListing
from labs.classroom.roster import Learner, Roster
from labs.shared_facts import expires_tag
from tests.check_helpers import deploy, lab_tags, mocked_session

QUEUE = {"Queue": {"Type": "AWS::SQS::Queue"}}


def roster(*owners: str) -> Roster:
    return Roster(Path("class.txt"), tuple(Learner(owner, line) for line, owner in enumerate(owners, 1)))


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def names(listings: tuple[LabStackListing, ...]) -> list[str]:
    return [listing.name for listing in listings]


def test_only_kit_labs_of_owners_on_the_roster_are_planned(session: boto3.Session) -> None:
    now = datetime.now(UTC)
    past, future = expires_tag(now - timedelta(hours=1)), expires_tag(now + timedelta(hours=1))
    deploy(session, "alice-LabEc2", QUEUE, tags=lab_tags("LabEc2", "alice", expires=past))
    deploy(session, "alice-LabAsg", QUEUE, tags=lab_tags("LabAsg", "alice", expires=future))
    deploy(session, "bob-LabEc2", QUEUE, tags=lab_tags("LabEc2", "bob", expires=future))
    deploy(session, "carol-LabEc2", QUEUE)  # named like carol's lab, without the kit's tags
    deploy(session, "dave-LabEc2", QUEUE, tags=lab_tags("LabEc2", "mallory"))  # tags of another owner
    deploy(session, "mallory-LabEc2", QUEUE, tags=lab_tags("LabEc2", "mallory"))
    deploy(session, "LabEc2", QUEUE, tags=lab_tags("LabEc2"))
    class_ = roster("alice", "bob", "carol", "dave")

    every = plan_destroy(one_account(session, class_), now=now)
    only_ec2 = plan_destroy(one_account(session, class_), labs=("LabEc2",), now=now)
    expired = plan_destroy(one_account(session, class_), expired_only=True, now=now)

    assert names(every.targets) == ["alice-LabAsg", "alice-LabEc2", "bob-LabEc2"]
    assert names(every.not_kit) == ["carol-LabEc2", "dave-LabEc2"]
    assert names(only_ec2.targets) == ["alice-LabEc2", "bob-LabEc2"]
    assert names(expired.targets) == ["alice-LabEc2"]
    assert names(expired.not_expired) == ["alice-LabAsg", "bob-LabEc2"]


def test_deletions_are_waited_for_and_reported_per_stack(session: boto3.Session) -> None:
    deploy(session, "alice-LabEc2", QUEUE, tags=lab_tags("LabEc2", "alice"))
    deploy(session, "mallory-LabEc2", QUEUE, tags=lab_tags("LabEc2", "mallory"))
    plan = plan_destroy(one_account(session, roster("alice")), now=datetime.now(UTC))
    done: list[str] = []

    deletions = delete_stacks(session, plan.targets, poll_s=0, on_done=lambda d: done.append(d.outcome))

    assert [(d.listing.name, d.outcome) for d in deletions] == [("alice-LabEc2", "deleted")]
    assert done == ["deleted"]
    left = session.client("cloudformation").describe_stacks()["Stacks"]
    assert [s["StackName"] for s in left if s["StackStatus"] != "DELETE_COMPLETE"] == ["mallory-LabEc2"]


class _StuckCloudFormation:
    """A stack whose deletion never ends, and another whose deletion is refused."""

    def delete_stack(self, **call: str) -> None:
        if call["StackName"] == "id-refused":
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "DeleteStack")

    def describe_stacks(self, **call: str) -> dict[str, Any]:
        return {"Stacks": [{"StackName": call["StackName"], "StackStatus": "DELETE_IN_PROGRESS"}]}


class _StuckSession:
    def client(self, _service: str) -> _StuckCloudFormation:
        return _StuckCloudFormation()


def listing(name: str, stack_id: str) -> LabStackListing:
    return LabStackListing(
        name=name,
        stack_id=stack_id,
        lab_id="LabEc2",
        owner=name.split("-", maxsplit=1)[0],
        status="CREATE_COMPLETE",
        created=datetime(2030, 1, 1, tzinfo=UTC),
        tags={},
    )


def test_a_deletion_that_outlasts_the_time_limit_or_is_refused_is_reported_not_waited_forever() -> None:
    clock = {"now": 0.0}

    def sleep(seconds: float) -> None:
        clock["now"] += seconds

    deletions = delete_stacks(
        _StuckSession(),  # type: ignore[arg-type]
        [listing("alice-LabEc2", "id-stuck"), listing("bob-LabEc2", "id-refused")],
        timeout_s=60,
        poll_s=5,
        clock=lambda: clock["now"],
        sleep=sleep,
    )

    assert [(d.outcome, d.reason) for d in deletions] == [
        ("timed out", "after 60 s"),
        ("refused", "AccessDenied: no"),
    ]


def test_the_leftover_scan_runs_once_per_learner(session: boto3.Session) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="alice-labddbstream-bucket-1")
    s3.put_bucket_tagging(
        Bucket="alice-labddbstream-bucket-1",
        Tagging={
            "TagSet": [
                {"Key": "labkit:lab", "Value": "LabDdbStream"},
                {"Key": "labkit:owner", "Value": "alice"},
            ]
        },
    )

    found = scan_learners(one_account(session, roster("alice", "bob")), ["alice", "bob"])

    assert list(found) == ["alice", "bob"]
    assert [item.identifier for item in found["alice"]] == ["alice-labddbstream-bucket-1"]
    assert found["bob"] == []


class _FailedCloudFormation:
    """Stacks whose deletion ends DELETE_FAILED, with the event that says why."""

    def delete_stack(self, **_call: str) -> None:
        return None

    def describe_stacks(self, **call: str) -> dict[str, Any]:
        return {"Stacks": [{"StackName": call["StackName"], "StackStatus": "DELETE_FAILED"}]}

    def get_paginator(self, _operation: str) -> Any:
        event = {
            "ResourceStatus": "DELETE_FAILED",
            "LogicalResourceId": "Instance",
            "ResourceStatusReason": "not authorized to perform: ec2:TerminateInstances",
        }
        # the events, and no resource listed (the way out's question): nothing to retain
        page = {"StackEvents": [event], "StackResourceSummaries": []}
        return type("Pages", (), {"paginate": lambda _self, **_: [page]})()


class _FailedSession:
    def client(self, _service: str) -> _FailedCloudFormation:
        return _FailedCloudFormation()


def test_a_failed_deletion_of_a_stack_without_a_service_role_says_whose_rights_it_needs() -> None:
    with_role = replace(
        listing("alice-LabEc2", "id-alice"), role_arn="arn:aws:iam::111111111111:role/cdk-exec"
    )
    without = listing("bob-LabEc2", "id-bob")

    deletions = delete_stacks(_FailedSession(), [with_role, without], poll_s=0)  # type: ignore[arg-type]

    reasons = {d.listing.name: d.reason for d in deletions}
    assert reasons["alice-LabEc2"] == "Instance: not authorized to perform: ec2:TerminateInstances"
    assert reasons["bob-LabEc2"].endswith(
        "(the stack has no service role, so CloudFormation deleted its resources with the caller's own "
        "rights, which the teacher-access role does not give: delete it with the learner's credentials "
        "(cdk destroy))"
    )
