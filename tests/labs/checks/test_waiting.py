"""Waiting with a time limit: the first value wins, progress is shown, the limit is exact."""

from __future__ import annotations

from typing import Any

from labs.checks.waiting import Waited, Waiter
from tests.check_helpers import FakeClock


def test_the_waiter_returns_the_first_value_and_reports_progress() -> None:
    answers = iter([None, None, "ready"])
    seen: list[tuple[str, float]] = []
    clock = FakeClock()
    waiter = Waiter(timeout_s=60, poll_s=5, sleep=clock.sleep, clock=lambda: clock.now)
    waiter.progress = lambda _what, _timeout: _Recorder(seen)

    waited = waiter.until(lambda: (next(answers), f"poll at {clock.now:.0f}"), what="waiting")

    assert (waited.value, waited.elapsed_s) == ("ready", 10)
    assert seen == [("poll at 0", 0), ("poll at 5", 5), ("poll at 10", 10)]


def test_the_waiter_stops_exactly_at_its_time_limit() -> None:
    clock = FakeClock()

    waited: Waited[str] = clock.waiter(timeout_s=12, poll_s=5).until(
        lambda: (None, "still nothing"), what="waiting"
    )

    assert (waited.value, waited.status, waited.elapsed_s) == (None, "still nothing", 12)


class _Recorder:
    def __init__(self, seen: list[tuple[str, float]]) -> None:
        self.seen = seen

    def __enter__(self) -> Any:
        return lambda status, elapsed: self.seen.append((status, elapsed))

    def __exit__(self, *_exc: object) -> None:
        return None
