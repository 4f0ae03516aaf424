"""The one Markdown table writer: `labkit cost --markdown` and the class report both write tables with it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence


def markdown_cell(text: str) -> str:
    """A table cell's text: a pipe escaped, a line break as a space, so one row stays one line."""
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right_aligned: Collection[str] = (),
    cell: Callable[[str], str] = markdown_cell,
) -> str:
    """A GitHub-flavoured Markdown table; the columns named in `right_aligned` line up their figures;
    `cell` makes each cell's text (the class report escapes what learners write in it)."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cell(text) for text in cells) + " |"

    rule = ["---:" if header in right_aligned else "---" for header in headers]
    return "\n".join([line(headers), "|" + "|".join(rule) + "|", *(line(row) for row in rows)])
