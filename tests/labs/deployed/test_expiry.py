"""How a deployed lab's expiry reads to a learner."""

from __future__ import annotations

from datetime import timedelta

import pytest

from labs.deployed.expiry import describe_remaining
from tests.check_helpers import NOW


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=7, minutes=58), "in 7 h 58 min"),
        (timedelta(minutes=5), "in 5 min"),
        (timedelta(days=3, hours=4), "in 3 d 4 h"),
        (-timedelta(minutes=12), "12 min ago"),
    ],
)
def test_remaining_time_reads_naturally(delta: timedelta, text: str) -> None:
    assert describe_remaining(NOW + delta, NOW) == text


def test_a_lab_is_overdue_once_its_expiry_time_has_passed() -> None:
    from labs.deployed.expiry import Expiry

    expiry = Expiry(tagged_at=NOW, tag_source="stack tags", schedule_declared=True)

    assert expiry.overdue(NOW + timedelta(minutes=1))
    assert not expiry.overdue(NOW - timedelta(minutes=1))
    assert not Expiry(tagged_at=None, tag_source="", schedule_declared=False).overdue(NOW)
