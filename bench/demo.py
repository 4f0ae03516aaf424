"""`make demo`'s time per step: every lab's life on the emulator as `labkit demo` lives it, per step."""

from __future__ import annotations

import io
import statistics
import time

from bench.common import Row


def measure() -> list[Row]:
    from rich.console import Console

    from labs.demo.rehearsal import GOAL_S, Demo
    from labs.demo.runs import STEPS
    from labs.registry import lab_ids

    # the demo's own screen goes nowhere: the bench's table is what this run prints
    demo = Demo(Console(file=io.StringIO(), width=120), lab_ids())
    started = time.monotonic()
    code = demo.run()
    total = time.monotonic() - started
    if code != 0:
        failed = [run.lab_id for run in demo.runs if not run.passed]
        raise RuntimeError(
            f"the demo failed ({', '.join(failed) or 'before any lab'}), so its times are no figure"
        )
    rows = []
    for step in STEPS:
        seconds = [found.seconds for run in demo.runs if (found := run.steps.get(step)) and found.seconds]
        if seconds:
            rows.append(
                Row(f"demo: {step}, per lab (median of {len(seconds)} labs)", statistics.median(seconds), "s")
            )
    rows.append(
        Row(
            f"demo: the {len(lab_ids())} labs' whole life, set-up included",
            total,
            "s",
            f"<= {GOAL_S:g} s",
            total <= GOAL_S,
        )
    )
    return rows
