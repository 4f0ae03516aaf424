"""The steps of `make test` (ruff, ruff format, mypy, pytest), timed as it runs them, set-up excluded."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, Row

SUITE_GOAL_SECONDS = 120.0
BIN = Path(sys.executable).parent
STEPS = (
    ("ruff check", [str(BIN / "ruff"), "check", "."]),
    ("ruff format --check", [str(BIN / "ruff"), "format", "--check", "."]),
    ("mypy", [str(BIN / "mypy")]),
    ("pytest -n 2", [sys.executable, "-m", "pytest", "-q", "-n", "2"]),
)


def _timed(name: str, command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed, so its time is no figure:\n{result.stdout.decode()[-2000:]}")
    return seconds


def measure() -> list[Row]:
    times = {name: _timed(name, command) for name, command in STEPS}
    total = sum(times.values())
    return [
        *(Row(f"make test: {name}", seconds, "s") for name, seconds in times.items()),
        Row(
            "make test (all steps, set-up excluded)",
            total,
            "s",
            f"<= {SUITE_GOAL_SECONDS:g} s",
            total <= SUITE_GOAL_SECONDS,
        ),
    ]
