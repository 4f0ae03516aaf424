"""`labkit leftovers` names what it cannot look for: a type the kit's catalogue has no entry for, whether a
deleted lab stack had it or the tagging API lists it; never a silent "nothing left"."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from labs.cli import main
from labs.leftovers.scan import scan_leftovers
from tests.check_helpers import deploy, lab_tags, mocked_session


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    monkeypatch.setenv("COLUMNS", "250")
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def test_a_deleted_lab_stacks_type_without_an_entry_is_named_as_not_searched(
    session: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy(session, "LabEc2", {"Alerts": {"Type": "AWS::SNS::Topic"}}, tags=lab_tags("LabEc2", expires=None))
    session.client("cloudformation").delete_stack(StackName="LabEc2")

    found = scan_leftovers(session, lab_id="LabEc2")
    code = main(["leftovers", "LabEc2"])

    (gap,) = [left for left in found if left.resource_type == "AWS::SNS::Topic"]
    assert gap.identifier == "not searched (deleted stack LabEc2 had one)"
    assert "does not know how to find what is left of it" in gap.reason
    assert code == 1  # the scan cannot say nothing is left
    assert "AWS::SNS::Topic" in capsys.readouterr().out


def test_a_tagged_resource_of_a_kind_the_catalogue_does_not_know_is_named_unknown(
    session: boto3.Session,
) -> None:
    session.client("sns").create_topic(Name="alerts", Tags=lab_tags("LabAsg", "alice", expires=None))

    found = scan_leftovers(session, lab_id="LabAsg")

    (left,) = [left for left in found if left.identifier == "alerts"]
    assert left.resource_type == "unknown type (sns)"
    assert "the kit's catalogue has no entry for this kind" in left.reason


def test_a_deleted_stack_of_known_types_leaves_nothing_to_name(session: boto3.Session) -> None:
    deploy(session, "LabEc2", {"Queue": {"Type": "AWS::SQS::Queue"}}, tags=lab_tags("LabEc2", expires=None))
    session.client("cloudformation").delete_stack(StackName="LabEc2")

    assert scan_leftovers(session, lab_id="LabEc2") == []
