"""`labkit class status` at any terminal width: every learner, lab and cost stays readable."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from labs.classroom.billing import StillBilling
from labs.classroom.fitted import Fitted
from labs.classroom.inventory import LabStackListing
from labs.classroom.render import billing_table, status_view
from labs.classroom.status import LabStackState
from labs.cost.items import RunningResource

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)


def stack(owner: str, lab_id: str, *, where: str = "", status: str = "CREATE_COMPLETE") -> LabStackState:
    listing = LabStackListing(
        name=f"{owner}-{lab_id}",
        stack_id=f"arn:aws:cloudformation:us-east-1:111111111111:stack/{owner}-{lab_id}/1",
        lab_id=lab_id,
        owner=owner,
        status=status,
        created=NOW - timedelta(hours=1),
        tags={},
    )
    return LabStackState(
        listing=listing,
        expires_at=NOW + timedelta(hours=7),
        overdue=False,
        usd_per_hour=0.00512,
        so_far=0.0123,
        projected=0.0456,
        where=where,
    )


def printed(view: Fitted, width: int) -> str:
    console = Console(width=width, record=True, force_terminal=False)
    console.print(view)
    return console.export_text()


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160])
@pytest.mark.parametrize("where", ["", "222222222222 eu-central-1"])
def test_every_owner_lab_and_cost_is_shown_whole_at_any_width(width: int, where: str) -> None:
    states = [
        stack("alice", "LabStepFunction", where=where, status="UPDATE_ROLLBACK_COMPLETE"),
        stack("bob-the-second", "MyLabColdStart", where=where),
    ]

    text = printed(status_view("Lab stacks of roster.csv at 2026-12-07 16:00", states, NOW), width)

    assert "Lab stacks of roster.csv at 2026-12-07 16:00 (times in UTC)" in text
    for expected in (
        "alice",
        "bob-the-second",
        "LabStepFunction",
        "MyLabColdStart",
        "UPDATE_ROLLBACK_COMPLETE",
    ):
        assert expected in text
    for amount in ("$0.00512", "$0.0123", "$0.0456"):
        assert text.count(amount) == 2
    if where:
        assert text.count("222222222222") == 2
    assert "…" not in text
    assert all(len(line) <= width for line in text.splitlines())


def test_a_wide_log_keeps_the_table_and_a_narrow_terminal_gets_one_block_per_stack() -> None:
    view = status_view("Lab stacks", [stack("alice", "LabEc2")], NOW)

    wide = printed(view, 120)
    narrow = printed(view, 90)
    elsewhere = [stack("bob", "LabEc2", where="222222222222 us-east-1")]
    across = printed(status_view("Lab stacks", elsewhere, NOW), 200)

    assert "┃ Owner" in wide
    assert "$ projected" in wide
    assert "Account, region" in across
    assert narrow.splitlines()[1:] == [
        "alice · LabEc2 · CREATE_COMPLETE",
        "  deployed 12-07 15:00 · expires 12-07 23:00 (in 7 h 0 min)",
        "  $0.00512/h · $0.0123 so far · $0.0456 projected",
    ]


def test_a_learners_own_stack_is_named_as_its_stack_names_it() -> None:
    kits = stack("bob", "LabEc2")
    own = replace(kits, listing=replace(kits.listing, name="bob-MyLabEc2"))

    text = printed(status_view("Lab stacks", [kits, own], NOW), 90)

    assert "bob · LabEc2 · CREATE_COMPLETE\n" in text
    assert "bob · MyLabEc2 · CREATE_COMPLETE\n" in text


def test_what_still_bills_keeps_its_id_price_and_command_whole_in_a_log() -> None:
    resource = RunningResource(
        resource_type="AWS::EC2::Instance",
        identifier="i-0465d2b7a9c1f0e31",
        what="m5.large instance",
        usd_per_hour=0.112,
        since=NOW,
    )
    billing = [
        StillBilling(
            owner="bob",
            where="043075555623 us-east-1",
            resource=resource,
            origin="made by hand",
            stop="aws ec2 terminate-instances --region us-east-1 --instance-ids i-0465d2b7a9c1f0e31",
        )
    ]

    log = printed(billing_table(billing), 120)
    wide = printed(billing_table(billing), 220)

    assert log.splitlines() == [
        "Still billing: made by no lab stack, so not deleted",
        "bob · 043075555623 us-east-1 · $0.11200/h",
        "  i-0465d2b7a9c1f0e31 (m5.large instance, made by hand)",
        "  to stop it: aws ec2 terminate-instances --region us-east-1 --instance-ids i-0465d2b7a9c1f0e31",
    ]
    assert "┃ To stop it" in wide
