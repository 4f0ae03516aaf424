"""What every benchmark section returns: one row per figure, with its goal and whether it was met."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    name: str
    value: float
    unit: str
    goal: str = ""
    ok: bool | None = None


def median_seconds(run: Callable[[], object], *, repeat: int = 5) -> float:
    """Median wall time of `repeat` calls: robust to one slow outlier on a busy 2-core machine."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run_python(args: Sequence[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
    """Run the venv's Python in a fresh process and fail loudly: a broken benchmark is not a figure."""
    subprocess.run([sys.executable, *args], cwd=cwd, env=env, check=True, capture_output=True)
