"""`make test` as a new user runs it: a throwaway clone of HEAD, empty caches, set-up included."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import Row
from bench.setup import clone_head, cold_env, timed_make

SUITE_GOAL_SECONDS = 120.0
SILENCE_GOAL_SECONDS = 10.0  # mypy's silent cold minute runs beside pytest, whose dots keep coming


def measure() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="labkit-bench-suite-") as folder:
        work = Path(folder)
        total, silence = timed_make("test", clone_head(work / "clone"), cold_env(work / "caches"))
    return [
        Row(
            "make test: fresh clone, cold caches, set-up included",
            total,
            "s",
            f"<= {SUITE_GOAL_SECONDS:g} s",
            total <= SUITE_GOAL_SECONDS,
        ),
        Row(
            "make test: longest wait for output",
            silence,
            "s",
            f"<= {SILENCE_GOAL_SECONDS:g} s",
            silence <= SILENCE_GOAL_SECONDS,
        ),
    ]
