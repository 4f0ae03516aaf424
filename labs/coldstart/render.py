"""LabColdStart's figures in the terminal: a table of invocations and a bar plot of init and duration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from labs.coldstart.logs import InvocationRecord

BAR_WIDTH = 40
INIT_STYLE, DURATION_STYLE = "red", "green"


@dataclass(frozen=True)
class Row:
    """One invocation of one of the lab's functions, labelled for the table."""

    function: str
    index: int
    record: InvocationRecord


def rows_of(records_by_function: Sequence[tuple[str, Sequence[InvocationRecord]]], last: int) -> list[Row]:
    """The last `last` invocations of each function, numbered in time order."""
    rows: list[Row] = []
    for label, records in records_by_function:
        shown = list(records)[-last:]
        start = len(records) - len(shown) + 1
        rows += [Row(label, start + offset, record) for offset, record in enumerate(shown)]
    return rows


def invocation_table(rows: Sequence[Row]) -> Table:
    """Function, #, start (cold/warm), environment, init, duration, billed, max memory."""
    table = Table(title="Invocations, from the REPORT lines", title_justify="left")
    for column in ("function", "#", "start", "environment"):
        table.add_column(column)
    for column in ("init ms", "duration ms", "billed ms", "max MB"):
        table.add_column(column, justify="right")
    for row in rows:
        record = row.record
        start = Text("cold", style=INIT_STYLE) if record.cold else Text("warm", style=DURATION_STYLE)
        if record.cold_start is not None and record.cold_start != record.cold:
            start.append(f" (cold_start={str(record.cold_start).lower()})")
        table.add_row(
            row.function,
            str(row.index),
            start,
            environment_label(record.environment),
            f"{record.init_ms:.1f}" if record.init_ms is not None else "",
            f"{record.duration_ms:.1f}",
            f"{record.billed_ms:.0f}",
            str(record.max_memory_mb or ""),
        )
    return table


def environment_label(log_stream: str) -> str:
    """`2026/12/06/[1]0f3a9c...` -> `v1 0f3a9c12`, `[$LATEST]...` -> `$LATEST ...`: version, environment."""
    version, _, environment = log_stream.rpartition("/")[-1].partition("]")
    version = version.lstrip("[")
    return f"{'v' + version if version.isdigit() else version} {environment[:8]}".strip()


def bar_plot(rows: Sequence[Row], width: int = BAR_WIDTH) -> list[Text]:
    """One bar per invocation: init (red, cold starts only) then duration (green), on one scale."""
    longest = max((r.record.duration_ms + (r.record.init_ms or 0.0) for r in rows), default=0.0)
    scale = width / longest if longest else 0.0
    label_width = max((len(f"{r.function} #{r.index}") for r in rows), default=0)
    lines = [
        Text.assemble(
            ("init", INIT_STYLE),
            " + ",
            ("duration", DURATION_STYLE),
            f" (ms; one █ = {longest / width:.0f} ms)",
        )
    ]
    for row in rows:
        record = row.record
        init_cells = round((record.init_ms or 0.0) * scale)
        duration_cells = max(1, round(record.duration_ms * scale))
        line = Text(f"{row.function} #{row.index}".ljust(label_width) + " ")
        line.append("█" * init_cells, style=INIT_STYLE)
        line.append("█" * duration_cells, style=DURATION_STYLE)
        total = record.duration_ms + (record.init_ms or 0.0)
        line.append(f" {total:.0f}" + (" cold" if record.cold else ""))
        lines.append(line)
    return lines
