"""The whole test suite's wall time, as `make test` runs it (set-up excluded)."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.common import ROOT, Row

SUITE_GOAL_SECONDS = 120.0


def measure() -> list[Row]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(
            f"the test suite failed, so its time is no figure:\n{result.stdout.decode()[-2000:]}"
        )
    return [
        Row(
            "test suite (pytest)", seconds, "s", f"<= {SUITE_GOAL_SECONDS:g} s", seconds <= SUITE_GOAL_SECONDS
        )
    ]
