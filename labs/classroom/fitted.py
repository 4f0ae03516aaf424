"""A table where it fits the console whole, else the same facts as short blocks of lines.

rich squeezes a table wider than the console: a column to nothing (the owner at 80 columns) or a value cut
to "…" (a cost to "$0.04"). A teacher's log or an 80-column terminal gets every fact whole instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text


class Fitted:
    """`table` where it fits whole; otherwise `title` and `blocks`, the same facts line by line."""

    def __init__(self, table: Table, title: str, blocks: Sequence[Text]) -> None:
        self.table, self.title, self.blocks = table, title, blocks

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if fits_whole(self.table, console, options):
            yield self.table
            return
        yield Text(self.title, style="italic")
        yield from self.blocks


def fits_whole(table: Table, console: Console, options: ConsoleOptions) -> bool:
    """Does the table fit this width with every word of every cell whole (none cut to "…" or squeezed out)?"""
    lines = list(Segment.split_lines(console.render(table, options)))  # as drawn, before the console crops
    if any(Segment.get_line_length(line) > options.max_width for line in lines):
        return False
    shown = "\n".join("".join(segment.text for segment in line) for line in lines)
    words = {
        word
        for column in table.columns
        for cell in column.cells
        for word in (cell.plain if isinstance(cell, Text) else str(cell)).split()
    }
    return "…" not in shown and all(word in shown for word in words)
