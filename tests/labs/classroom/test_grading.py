"""`check_class`: every deployed learner's lab checked side by side, the rest graded not deployed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from labs.checks.report import CheckReport
from labs.classroom.accounts import one_account
from labs.classroom.grading import Grade, check_class
from labs.classroom.roster import Learner, Roster
from labs.registry import all_labs
from tests.check_helpers import deploy, lab_tags, mocked_session

QUEUE = {"Queue": {"Type": "AWS::SQS::Queue"}}
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def roster(*owners: str) -> Roster:
    return Roster(Path("class.txt"), tuple(Learner(owner, line) for line, owner in enumerate(owners, 1)))


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every lab's check replaced: LabAsg passes, LabEc2 fails for bob and raises for dave."""
    seen: list[dict[str, Any]] = []
    lock = threading.Lock()

    def fake_check(_session: boto3.Session, *, stack_name: str, **kwargs: Any) -> CheckReport:
        with lock:
            seen.append({"stack_name": stack_name, **kwargs})
        if stack_name == "dave-LabEc2":
            raise RuntimeError("the emulator went away")
        report = CheckReport(stack_name.split("-", 1)[1], stack_name)
        report.add("Stack deployed", True, "CREATE_COMPLETE")
        if stack_name == "bob-LabEc2":
            report.add("Instance running", False, "stopped", hint="start it")
        return report

    for described in all_labs().values():
        monkeypatch.setattr(f"{described.package}.check.check", fake_check)
    return seen


def test_deployed_labs_are_checked_and_the_others_are_not_deployed(
    session: boto3.Session, calls: list[dict[str, Any]]
) -> None:
    for owner in ("alice", "bob", "dave"):
        deploy(session, f"{owner}-LabEc2", QUEUE, tags=lab_tags("LabEc2", owner))
    deploy(session, "alice-LabAsg", QUEUE, tags=lab_tags("LabAsg", "alice"))
    deploy(session, "mallory-LabDdbStream", QUEUE, tags=lab_tags("LabDdbStream", "mallory"))
    done: list[tuple[str, str]] = []

    grid = check_class(
        one_account(session, roster("alice", "bob", "carol", "dave")),
        on_emulator=True,
        checked_at=NOW,
        options={"self_heal": True},
        on_done=done.append,
    )

    assert grid.labs == ("LabEc2", "LabAsg")  # what someone on the roster deployed, in the kit's order
    grades = {key: cell.grade for key, cell in grid.cells.items()}
    assert grades == {
        ("alice", "LabEc2"): Grade.PASS,
        ("alice", "LabAsg"): Grade.PASS,
        ("bob", "LabEc2"): Grade.FAIL,
        ("bob", "LabAsg"): Grade.NOT_DEPLOYED,
        ("carol", "LabEc2"): Grade.NOT_DEPLOYED,
        ("carol", "LabAsg"): Grade.NOT_DEPLOYED,
        ("dave", "LabEc2"): Grade.ERROR,
        ("dave", "LabAsg"): Grade.NOT_DEPLOYED,
    }
    assert grid.cell("bob", "LabEc2").headline == "Instance running: stopped"
    assert grid.cell("dave", "LabEc2").headline == "RuntimeError: the emulator went away"
    assert sorted(done) == [("alice", "LabAsg"), ("alice", "LabEc2"), ("bob", "LabEc2"), ("dave", "LabEc2")]
    options = {call["stack_name"]: call.get("self_heal") for call in calls}
    assert options == {"alice-LabEc2": None, "alice-LabAsg": True, "bob-LabEc2": None, "dave-LabEc2": None}
    assert not grid.all_passed


def test_a_lab_named_on_the_command_line_is_graded_even_when_nobody_deployed_it(
    session: boto3.Session, calls: list[dict[str, Any]]
) -> None:
    grid = check_class(
        one_account(session, roster("alice")), labs=("LabStepFunction",), on_emulator=True, checked_at=NOW
    )

    assert grid.labs == ("LabStepFunction",)
    assert grid.cell("alice", "LabStepFunction").grade is Grade.NOT_DEPLOYED
    assert calls == []


def test_a_learners_own_stack_is_graded_and_a_look_alike_without_the_kits_tags_is_not(
    session: boto3.Session, calls: list[dict[str, Any]]
) -> None:
    deploy(session, "carol-MyLabEc2", QUEUE, tags=lab_tags("LabEc2", "carol"))  # written from the starter
    deploy(session, "erin-MyLabEc2", QUEUE, tags=lab_tags("LabEc2", "erin"))
    deploy(session, "erin-LabEc2", QUEUE, tags=lab_tags("LabEc2", "erin"))  # both: the kit's is graded
    deploy(session, "fred-LabEc2", QUEUE)  # named like a lab, made by hand: no kit tags

    grid = check_class(
        one_account(session, roster("carol", "erin", "fred")),
        labs=("LabEc2",),
        on_emulator=True,
        checked_at=NOW,
    )

    assert grid.cell("carol", "LabEc2").grade is Grade.PASS
    assert grid.cell("carol", "LabEc2").stack_name == "carol-MyLabEc2"
    assert grid.cell("erin", "LabEc2").stack_name == "erin-LabEc2"
    assert grid.cell("fred", "LabEc2").grade is Grade.NOT_DEPLOYED
    assert sorted(call["stack_name"] for call in calls) == ["carol-MyLabEc2", "erin-LabEc2"]
