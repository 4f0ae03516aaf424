"""`make bench`: every figure of the kit in one run, each against its goal or its baseline.

`python -m bench setup synth` runs only the sections named.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module

from rich.console import Console
from rich.table import Table

from bench.common import Row

SECTIONS = (
    "bench.synth",
    "bench.watch",
    "bench.csv_writer",
    "bench.class_ops",
    "bench.batch",
    "bench.demo",
    "bench.suite",
    "bench.setup",
)


def _format(row: Row) -> str:
    if row.unit == "x":
        return f"{row.value:.2f}x"
    if row.unit == "s":
        return f"{row.value:.3f} s"
    return f"{row.value:,.0f} {row.unit}"


def main(names: list[str]) -> int:
    sections = [f"bench.{name}" for name in names] or SECTIONS
    unknown = [section for section in sections if section not in SECTIONS]
    if unknown:
        print(f"no such section: {', '.join(unknown)}; sections: {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    # a log or a pipe gets the figures' names in one line each, not wrapped at 80 columns
    console = Console(width=None if sys.stdout.isatty() else 150)
    table = Table(title="labkit bench (ratios measured within this run)")
    for column in ("figure", "value", "goal", "met"):
        table.add_column(column)
    goals: list[Row] = []
    for section in sections:
        with console.status(f"measuring {section.split('.')[-1]} ..."):
            measure: Callable[[], list[Row]] = import_module(section).measure
            rows = measure()
        console.print(f"measured {section.split('.')[-1]}: {len(rows)} figures", highlight=False)
        for row in rows:
            met = "" if row.ok is None else ("yes" if row.ok else "NO")
            goals += [row] if row.ok is not None else []
            table.add_row(row.name, _format(row), row.goal, met)
    console.print(table)
    missed = [row.name for row in goals if not row.ok]
    # the verdict comes last; a missed goal also sets the exit code, for scripts
    console.print(
        f"{len(goals) - len(missed)} of {len(goals)} goals met"
        + (f"; not met: {'; '.join(missed)}" if missed else ""),
        highlight=False,
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
