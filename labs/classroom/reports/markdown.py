"""The class grid as Markdown: learners by labs, then what failed and what to do, cell by cell.

Every text a learner can influence (an item's detail, a hint, a stack's status reason, an error line) is
escaped, so a handler that prints `<img src=x>` or `[click](...)` shows as text in the teacher's viewer.
"""

from __future__ import annotations

from labs.classroom.grading import ClassGrid, GradedCell
from labs.classroom.reports.escaping import markdown_text
from labs.classroom.reports.labels import OUTCOME_SYMBOLS, needs_details, short_label, title, totals
from labs.markdown import markdown_table


def render(grid: ClassGrid) -> str:
    """The grade grid as Markdown."""
    lines = [f"# {markdown_text(title(grid))}", "", totals(grid) + ".", ""]
    rows = [[owner, *(short_label(cell) for cell in cells)] for owner, cells in grid.rows()]
    lines.append(markdown_table(["learner", *grid.labs], rows, cell=markdown_text))
    details = [cell for _, cells in grid.rows() for cell in cells if needs_details(cell)]
    if details:
        lines += ["", "## What did not pass, and what to do"]
        for cell in details:
            lines += ["", *_details(cell)]
    return "\n".join(lines) + "\n"


def _details(cell: GradedCell) -> list[str]:
    label = markdown_text(f"{cell.owner} · {cell.lab_id} ({short_label(cell)})")
    lines = [f"### {label}", ""]
    report = cell.report
    if report is None:
        hint = f" Hint: {markdown_text(cell.hint)}" if cell.hint else ""
        lines.append(f"{markdown_text(cell.headline)}.{hint}")
        return lines
    lines += [f"Stack `{cell.stack_name.replace('`', '')}`:", ""]
    for item in report.items:
        symbol = OUTCOME_SYMBOLS[item.outcome]
        lines.append(f"- {symbol} **{markdown_text(item.name)}**: {markdown_text(item.detail)}")
        if item.hint:
            lines.append(f"  - hint: {markdown_text(item.hint)}")
    return lines
