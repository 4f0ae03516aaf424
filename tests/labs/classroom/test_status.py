"""What `labkit class status` says of each stack: cost so far and projected, overdue, who is idle."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from labs.classroom.accounts import one_account
from labs.classroom.inventory import list_lab_stacks
from labs.classroom.roster import Learner, Roster
from labs.classroom.status import cost_so_far, projected_cost, read_class_status
from labs.cost.calculator import price_template
from labs.cost.prices import load_prices
from labs.shared_facts import expires_tag
from tests.check_helpers import deploy, lab_tags, mocked_session

CREATED = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
VOLUME = {
    "Volume": {
        "Type": "AWS::EC2::Volume",
        "Properties": {"AvailabilityZone": "us-east-1a", "Size": 1, "VolumeType": "gp3", "Encrypted": True},
    }
}
QUEUE = {"Queue": {"Type": "AWS::SQS::Queue"}}


def roster(*owners: str) -> Roster:
    return Roster(Path("class.txt"), tuple(Learner(owner, line) for line, owner in enumerate(owners, 1)))


def test_cost_so_far_is_the_hourly_price_times_the_hours_since_the_deploy() -> None:
    assert cost_so_far(0.01, deployed_at=CREATED, now=CREATED + timedelta(hours=3)) == pytest.approx(0.03)
    assert cost_so_far(0.01, deployed_at=CREATED, now=CREATED - timedelta(minutes=1)) == 0


def test_projected_cost_runs_to_the_expiry_and_an_overdue_stack_s_to_now() -> None:
    expires = CREATED + timedelta(hours=8)

    within = projected_cost(0.01, deployed_at=CREATED, expires_at=expires, now=CREATED + timedelta(hours=2))
    overdue = projected_cost(0.01, deployed_at=CREATED, expires_at=expires, now=CREATED + timedelta(hours=11))

    assert within == pytest.approx(0.08)
    assert overdue == pytest.approx(0.11)
    assert projected_cost(0.01, deployed_at=CREATED, expires_at=None, now=CREATED) is None


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def test_the_class_status_prices_each_stack_finds_the_overdue_the_idle_and_the_strangers(
    session: boto3.Session,
) -> None:
    now = datetime.now(UTC)
    expired = expires_tag(now - timedelta(hours=1))
    deploy(session, "alice-LabEc2", VOLUME, tags=lab_tags("LabEc2", "alice", expires=expired))
    later = expires_tag(now + timedelta(hours=20))
    deploy(session, "bob-LabDdbStream", QUEUE, tags=lab_tags("LabDdbStream", "bob", expires=later))
    deploy(session, "LabAsg", QUEUE, tags=lab_tags("LabAsg", expires=later))
    deploy(
        session, "mallory-LabStepFunction", QUEUE, tags=lab_tags("LabStepFunction", "mallory", expires=None)
    )
    deploy(session, "carol-LabEc2", QUEUE)  # named like carol's lab, but not the kit's: no labkit tags
    created = {listing.name: listing.created for listing in list_lab_stacks(session)}
    now = created["alice-LabEc2"] + timedelta(hours=10)
    prices = load_prices()

    status = read_class_status(one_account(session, roster("alice", "bob", "carol")), now=now, prices=prices)

    by_name = {state.listing.name: state for state in (*status.stacks, *status.strangers)}
    assert [state.listing.name for state in status.stacks] == ["alice-LabEc2", "bob-LabDdbStream"]
    assert [state.listing.name for state in status.strangers] == ["LabAsg", "mallory-LabStepFunction"]
    assert status.idle == ("carol",)
    alice = by_name["alice-LabEc2"]
    rate = price_template({"Resources": VOLUME}, prices).usd_per_hour
    assert rate > 0
    assert alice.overdue
    assert alice.usd_per_hour == pytest.approx(rate)
    assert alice.so_far == pytest.approx(rate * 10, rel=1e-3)
    assert alice.projected == pytest.approx(alice.so_far)
    assert not by_name["bob-LabDdbStream"].overdue
    assert by_name["bob-LabDdbStream"].projected == 0
    assert by_name["mallory-LabStepFunction"].expires_at is None
    assert by_name["mallory-LabStepFunction"].projected is None
    assert status.so_far == pytest.approx(alice.so_far)
    assert status.projected == pytest.approx(alice.so_far)
    assert status.attention == [
        "alice-LabEc2 is overdue",
        "LabAsg belongs to no learner on the roster",
        "mallory-LabStepFunction belongs to no learner on the roster",
    ]
