"""`labkit check LabDdbStream` on moto: the lab's parts; its two steps are graded in test_steps.py."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from labs.checks.report import Outcome
from labs.ddb_stream.check import check
from tests.check_helpers import NOW, FakeClock, deploy, item, mocked_session, physical_id
from tests.labs.ddb_stream.lab_resources import TAGS, ddb_stream_lab


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    # the emulator's Lambda configuration: invocations answered without running code
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        mocked_session(monkeypatch, **{"lambda": {"use_docker": False}}) as mocked,
    ):
        for owner in ("disabled",):
            deploy(mocked, f"{owner}-LabDdbStream", ddb_stream_lab(), tags=TAGS)
        yield mocked


def test_a_disabled_trigger_fails_without_waiting_for_a_row(session: boto3.Session) -> None:
    mapping = physical_id(session, "disabled-LabDdbStream", "UsersStreamTrigger")
    session.client("lambda").update_event_source_mapping(UUID=mapping, Enabled=False)

    clock = FakeClock()

    report = check(
        session,
        stack_name="disabled-LabDdbStream",
        on_emulator=False,
        waiter=clock.waiter(),
        user_id="u-check-5",
        now=NOW,
    )

    trigger = item(report, "Stream trigger")
    assert trigger.outcome is Outcome.FAIL
    assert "Disabled" in trigger.detail
    assert "--enabled" in trigger.hint
    assert item(report, "Event in the function's log").detail.startswith("not awaited")
    assert item(report, "CSV row in the bucket").detail.startswith("not awaited")
    assert clock.sleeps == 0
