"""`make test` as a new user runs it: a throwaway clone of HEAD, empty caches, set-up included."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import Row
from bench.setup import _clone, _env

SUITE_GOAL_SECONDS = 120.0
SILENCE_GOAL_SECONDS = 10.0  # mypy's silent cold minute runs beside pytest, whose dots keep coming


def _make_test(clone: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time of `make test` (set-up included) and the longest wait between two lines of its output."""
    start = last = time.perf_counter()
    silence = 0.0
    with subprocess.Popen(
        ["make", "test"], cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as make:
        stream = make.stdout
        assert stream is not None
        output = []
        for chunk in iter(lambda: stream.read(1), ""):  # pytest's dots come without a newline
            now = time.perf_counter()
            silence, last = max(silence, now - last), now
            output.append(chunk)
    if make.returncode != 0:
        raise RuntimeError(
            f"make test failed in {clone}, so its time is no figure:\n{''.join(output)[-3000:]}"
        )
    end = time.perf_counter()
    return end - start, max(silence, end - last)


def measure() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="labkit-bench-suite-") as folder:
        work = Path(folder)
        total, silence = _make_test(_clone(work / "clone"), _env(work / "caches"))
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
