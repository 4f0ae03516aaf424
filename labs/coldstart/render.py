"""LabColdStart's figures in the terminal: a table of invocations and a bar plot of init and duration.

Init and duration are told apart by their glyphs and a legend, not by colour alone: the plot reads the same
piped, with NO_COLOR, and to a colour-blind reader. A failed invocation is marked as such in both.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from labs.coldstart.logs import InvocationRecord

BAR_WIDTH = 40
INIT_STYLE, DURATION_STYLE, FAILED_STYLE = "red", "green", "bold magenta"
# a light shade for init, a full block for the handler's duration, a cross for a failed invocation's
INIT_GLYPH, DURATION_GLYPH, FAILED_GLYPH = "░", "█", "×"
# a failed invocation's error, cut to fit a table cell
ERROR_WIDTH = 48


@dataclass(frozen=True)
class Row:
    """One invocation of one of the lab's functions, labelled for the table."""

    function: str
    index: int
    record: InvocationRecord


def rows_of(
    records_by_function: Sequence[tuple[str, Sequence[InvocationRecord]]],
    last: int,
    *,
    also: Collection[str] = (),
) -> list[Row]:
    """The last `last` invocations of each function, numbered in time order, plus its latest cold start and
    the invocations `also` names (those just made) when they fall before that window: what was just done
    and the cold start it is compared with always show."""
    rows: list[Row] = []
    for label, records in records_by_function:
        shown = set(range(max(0, len(records) - last), len(records)))
        shown |= {index for index, record in enumerate(records) if record.request_id in also}
        cold = [index for index, record in enumerate(records) if record.cold and not record.failed]
        if cold:
            shown.add(cold[-1])
        rows += [Row(label, index + 1, records[index]) for index in sorted(shown)]
    return rows


def invocation_table(rows: Sequence[Row]) -> Table:
    """Function, #, start (cold/warm), environment, init, duration, billed, max memory, result."""
    table = Table(title="Invocations, from the REPORT lines", title_justify="left")
    for column in ("function", "#", "start", "environment"):
        table.add_column(column)
    for column in ("init ms", "duration ms", "billed ms", "max MB"):
        table.add_column(column, justify="right")
    table.add_column("result")
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
            result_cell(record),
        )
    return table


def result_cell(record: InvocationRecord) -> Text:
    """`ok`, or `FAILED: ValueError: boom` (cut to fit)."""
    if record.error is None:
        return Text("ok")
    error = record.error if len(record.error) <= ERROR_WIDTH else record.error[: ERROR_WIDTH - 1] + "…"
    return Text(f"FAILED: {error}", style=FAILED_STYLE)


def environment_label(log_stream: str) -> str:
    """`2026/12/06/[1]0f3a9c...` -> `v1 0f3a9c12`, `[$LATEST]...` -> `$LATEST ...`: version, environment."""
    version, _, environment = log_stream.rpartition("/")[-1].partition("]")
    version = version.lstrip("[")
    return f"{'v' + version if version.isdigit() else version} {environment[:8]}".strip()


def bar_plot(rows: Sequence[Row], width: int = BAR_WIDTH) -> list[Text]:
    """One bar per invocation: init (light shade, cold starts only) then duration (full blocks, crosses when
    it failed), on one scale."""
    longest = max((r.record.duration_ms + (r.record.init_ms or 0.0) for r in rows), default=0.0)
    scale = width / longest if longest else 0.0
    label_width = max((len(f"{r.function} #{r.index}") for r in rows), default=0)
    lines = [
        Text.assemble(
            (INIT_GLYPH * 2, INIT_STYLE),
            " init + ",
            (DURATION_GLYPH * 2, DURATION_STYLE),
            " duration",
            (f" ({FAILED_GLYPH * 2} failed)", FAILED_STYLE) if any(r.record.failed for r in rows) else "",
            f" (ms; one cell = {longest / width:.0f} ms)",
        )
    ]
    for row in rows:
        record = row.record
        init_cells = round((record.init_ms or 0.0) * scale)
        duration_cells = max(1, round(record.duration_ms * scale))
        line = Text(f"{row.function} #{row.index}".ljust(label_width) + " ")
        line.append(INIT_GLYPH * init_cells, style=INIT_STYLE)
        if record.failed:
            line.append(FAILED_GLYPH * duration_cells, style=FAILED_STYLE)
        else:
            line.append(DURATION_GLYPH * duration_cells, style=DURATION_STYLE)
        total = record.duration_ms + (record.init_ms or 0.0)
        line.append(f" {total:.0f}" + (" cold" if record.cold else ""))
        if record.failed:
            line.append(" FAILED", style=FAILED_STYLE)
        lines.append(line)
    return lines
