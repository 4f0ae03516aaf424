"""A learner's own `<owner>-My<Lab>` stacks (`labkit exercise`) are the owner's for status, guard and destroy:
the stacks where learners choose instance types and sizes themselves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from labs.classroom.accounts import one_account
from labs.classroom.destroy import plan_destroy
from labs.classroom.guard import enforce_caps
from labs.classroom.inventory import list_lab_stacks, stack_owner
from labs.classroom.roster import Learner, Placement, Roster
from labs.classroom.status import read_class_status
from labs.cost.prices import load_prices
from tests.check_helpers import AMI, deploy, lab_tags, mocked_session

PRICES = load_prices()
# what a learner's own LabEc2 may hold: another instance type than the kit's t4g.nano
BIG_INSTANCE = {
    "Server": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": AMI, "InstanceType": "t3.micro"}}
}


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def capped_roster(*owners: str, cap: float) -> Roster:
    learners = tuple(Learner(o, n, Placement(cap_usd_per_hour=cap)) for n, o in enumerate(owners, 1))
    return Roster(Path("class.txt"), learners)


def test_the_owner_is_read_from_a_learner_stack_s_name() -> None:
    assert stack_owner("bob-MyLabEc2", "LabEc2") == "bob"
    assert stack_owner("bob-LabEc2", "LabEc2") == "bob"
    assert stack_owner("MyLabEc2", "LabEc2") is None
    assert stack_owner("LabEc2", "LabEc2") is None


def test_a_learner_stack_over_the_cap_is_its_owner_s_and_the_guard_destroys_it(
    session: boto3.Session,
) -> None:
    deploy(session, "bob-MyLabEc2", BIG_INSTANCE, tags=lab_tags("LabEc2", "bob"))
    deploy(session, "alice-LabEc2", {"Queue": {"Type": "AWS::SQS::Queue"}}, tags=lab_tags("LabEc2", "alice"))
    reach = one_account(session, capped_roster("alice", "bob", cap=0.005))
    now = datetime.now(UTC)

    (listing,) = [s for s in list_lab_stacks(session) if s.name == "bob-MyLabEc2"]
    status = read_class_status(reach, now=now, prices=PRICES)

    assert (listing.lab_id, listing.owner) == ("LabEc2", "bob")
    assert [s.listing.name for s in status.stacks] == ["alice-LabEc2", "bob-MyLabEc2"]
    assert status.strangers == ()
    assert [spend.owner for spend in status.over_cap] == ["bob"]
    assert "bob-MyLabEc2" in status.over_cap[0].resources[0].origin
    assert [t.name for t in plan_destroy(reach, owners=["bob"], now=now).targets] == ["bob-MyLabEc2"]

    done, overdue_deleted = enforce_caps(
        reach, status.over_cap, prices=PRICES, now=now, poll_s=0, timeout_s=60
    )

    assert [(d.listing.name, d.outcome) for d in done[0].deletions] == [("bob-MyLabEc2", "deleted")]
    assert overdue_deleted == []  # nothing past its expiry here
    assert done[0].still_running == ()
    assert [s.name for s in list_lab_stacks(session)] == ["alice-LabEc2"]
