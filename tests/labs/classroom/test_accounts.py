"""Reaching each learner where they work: one session per account, the teacher named, the unreachable kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from labs.classroom.accounts import (
    assume_role_session,
    configured_external_id,
    reach_class,
    session_name,
    source_identity,
    teacher_name,
)
from labs.classroom.roster import Learner, Placement, Roster
from labs.deployed.shared_session import SharedSession
from tests.check_helpers import mocked_session


def placed(owner: str, line: int, account: str | None = None) -> Learner:
    return Learner(owner, line, Placement(account=account, role="LabkitTeacher" if account else None))


@pytest.fixture
def base(monkeypatch: pytest.MonkeyPatch) -> Iterator[SharedSession]:
    with mocked_session(monkeypatch):
        yield SharedSession(region_name="us-east-1")


def test_the_teacher_is_named_from_the_caller_identity() -> None:
    assert teacher_name("arn:aws:iam::123456789012:user/ada") == "ada"
    sso = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Teachers_0a1b/grace@example.org"
    assert teacher_name(sso) == "grace@example.org"
    assert teacher_name("arn:aws:iam::123456789012:root") == "root"
    assert session_name("grace@example.org") == "labkit-grace@example.org"
    assert session_name("a b/c" + "x" * 80) == ("labkit-a-b-c" + "x" * 80)[:64]


def test_learners_sharing_an_account_share_one_session_and_a_refused_role_spares_the_rest(
    base: SharedSession,
) -> None:
    roster = Roster(
        Path("class.txt"),
        (
            placed("alice", 1, "111111111111"),
            placed("bob", 2, "111111111111"),
            placed("carol", 3),
            placed("erin", 4, "444444444444"),
        ),
    )
    assumed: list[tuple[str, str]] = []
    assume = assume_role_session(base)

    def connect(placement: Placement, name: str) -> boto3.Session:
        assumed.append((str(placement.role), name))
        if placement.account == "444444444444":
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized to perform: sts:AssumeRole"}},
                "AssumeRole",
            )
        return assume(placement, name)

    reach = reach_class(base, roster, connect=connect)

    assert sorted(assumed) == [
        ("arn:aws:iam::111111111111:role/LabkitTeacher", "labkit-moto"),
        ("arn:aws:iam::444444444444:role/LabkitTeacher", "labkit-moto"),
    ]
    assert reach.teacher == "moto"  # moto's caller identity is user/moto
    assert reach.places["alice"] is reach.places["bob"]
    assert reach.places["carol"].session is base
    assert reach.places["carol"].account is None
    assert reach.reached == ("alice", "bob", "carol")
    erin = reach.unreachable["erin"]
    assert erin.line.startswith(
        "erin: role arn:aws:iam::444444444444:role/LabkitTeacher in account 444444444444 cannot be assumed "
        "(AccessDenied: not authorized to perform: sts:AssumeRole)"
    )
    assert [owners for _, owners in reach.groups()] == [("alice", "bob"), ("carol",)]


def test_a_shared_account_roster_asks_sts_nothing(base: SharedSession) -> None:
    roster = Roster(Path("class.txt"), (placed("alice", 1), placed("bob", 2)))

    def refuse(_placement: Placement, _name: str) -> boto3.Session:
        raise AssertionError("no role to assume in a shared account")

    reach = reach_class(base, roster, connect=refuse)

    assert reach.teacher == "teacher"
    assert {place.session for place in reach.places.values()} == {base}


def test_the_source_identity_is_the_teacher_s_name_as_sts_takes_it() -> None:
    assert source_identity("grace@example.org") == "grace@example.org"
    assert source_identity("a b/c") == "a-b-c"
    assert source_identity("x") == "teacher-x"
    assert len(source_identity("y" * 100)) == 64


def test_the_class_s_external_id_and_the_teacher_s_source_identity_go_with_every_assume_role(
    base: SharedSession,
) -> None:
    roster = Roster(
        Path("class.txt"),
        (
            Learner(
                "alice", 1, Placement(account="111111111111", role="LabkitTeacher", external_id="class-1b")
            ),
        ),
    )
    sent: list[dict[str, object]] = []
    sts = base.client("sts")
    sts.meta.events.register("provide-client-params.sts.AssumeRole", lambda params, **_: sent.append(params))

    reach = reach_class(base, roster)

    assert reach.reached == ("alice",)
    assert sent == [
        {
            "RoleArn": "arn:aws:iam::111111111111:role/LabkitTeacher",
            "RoleSessionName": "labkit-moto",
            "DurationSeconds": 3600,
            "ExternalId": "class-1b",
            "SourceIdentity": "moto",
        }
    ]
    assert reach.places["alice"].session.client("sts").get_caller_identity()["Account"] == "111111111111"


def test_a_role_whose_credentials_act_in_another_account_is_a_problem_for_that_learner(
    base: SharedSession,
) -> None:
    roster = Roster(Path("class.txt"), (placed("alice", 1, "111111111111"), placed("bob", 2, "222222222222")))
    assume = assume_role_session(base)

    def elsewhere(placement: Placement, name: str) -> boto3.Session:
        # a role that hands out credentials of another account than the one the roster names
        landing = "999999999999" if placement.account == "111111111111" else str(placement.account)
        return assume(Placement(role=f"arn:aws:iam::{landing}:role/LabkitTeacher"), name)

    reach = reach_class(base, roster, connect=elsewhere)

    assert reach.reached == ("bob",)
    assert "alice" not in reach.places
    assert (
        "its credentials act in account 999999999999, not in the roster's 111111111111: nothing was read or "
        "done there" in reach.unreachable["alice"].line
    )


def test_assumed_role_credentials_assume_the_role_again_before_they_expire(base: SharedSession) -> None:
    now = [datetime.now(UTC)]
    calls: list[str] = []
    base.client("sts").meta.events.register(
        "provide-client-params.sts.AssumeRole", lambda params, **_: calls.append(params["RoleArn"])
    )
    connect = assume_role_session(base, clock=lambda: now[0])
    role = "arn:aws:iam::111111111111:role/LabkitTeacher"
    session = connect(Placement(role=role, region="us-east-1"), "labkit-test")
    sqs = session.client("sqs")

    sqs.list_queues()
    now[0] += timedelta(minutes=40)
    sqs.list_queues()
    assert len(calls) == 1  # 20 minutes left: still good
    now[0] += timedelta(minutes=6)  # within botocore's 15 minutes of the end: the role is assumed again
    sqs.list_queues()

    assert len(calls) == 2
    assert session.client("sts").get_caller_identity()["Account"] == "111111111111"


def test_the_class_s_external_id_may_come_from_cdk_json_as_the_stack_was_deployed(tmp_path: Path) -> None:
    cdk_json = tmp_path / "cdk.json"
    cdk_json.write_text('{"context": {"classExternalId": "class-1b-2026"}}', encoding="utf-8")
    unset = tmp_path / "unset.json"
    unset.write_text('{"context": {"classExternalId": ""}}', encoding="utf-8")

    assert configured_external_id(cdk_json) == "class-1b-2026"
    assert configured_external_id(unset) is None
    assert configured_external_id(tmp_path / "missing.json") is None
