"""Reaching each learner where they work: one session per account, the teacher named, the unreachable kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from labs.classroom.accounts import reach_class, session_name, teacher_name
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

    def connect(placement: Placement, name: str) -> SharedSession:
        assumed.append((str(placement.role), name))
        if placement.account == "444444444444":
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized to perform: sts:AssumeRole"}},
                "AssumeRole",
            )
        return SharedSession(region_name=placement.region)

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
