"""The class grid as Markdown: learners by labs, then what failed and what to do, cell by cell."""

from __future__ import annotations

import re

from labs.classroom.grading import ClassGrid, GradedCell
from labs.classroom.reports.labels import OUTCOME_SYMBOLS, needs_details, short_label, title, totals
from labs.markdown import markdown_cell as _cell_text
from labs.markdown import markdown_table

# CommonMark's backslash escapes: a roster file named `*a*[b](c).csv` stays text, as HTML and XML escape it
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def _plain(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render(grid: ClassGrid) -> str:
    """The grade grid as Markdown."""
    lines = [f"# {_plain(title(grid))}", "", totals(grid) + ".", ""]
    rows = [[owner, *(short_label(cell) for cell in cells)] for owner, cells in grid.rows()]
    lines.append(markdown_table(["learner", *grid.labs], rows))
    details = [cell for _, cells in grid.rows() for cell in cells if needs_details(cell)]
    if details:
        lines += ["", "## What did not pass, and what to do"]
        for cell in details:
            lines += ["", *_details(cell)]
    return "\n".join(lines) + "\n"


def _details(cell: GradedCell) -> list[str]:
    lines = [f"### {cell.owner} · {cell.lab_id} ({short_label(cell)})", ""]
    report = cell.report
    if report is None:
        lines.append(f"{cell.headline}." + (f" Hint: {cell.hint}" if cell.hint else ""))
        return lines
    lines += [f"Stack `{cell.stack_name}`:", ""]
    for item in report.items:
        lines.append(f"- {OUTCOME_SYMBOLS[item.outcome]} **{item.name}**: {_cell_text(item.detail)}")
        if item.hint:
            lines.append(f"  - hint: {_cell_text(item.hint)}")
    return lines
