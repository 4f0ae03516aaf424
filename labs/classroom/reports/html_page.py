"""The class grid as one self-contained HTML page: inline style, no script, no external asset.

The grid comes first (a coloured cell per learner and lab, its headline on hover); each cell links to
its details below: every item of the learner's check, with the hint for what failed.
"""

from __future__ import annotations

from labs.classroom.grading import ClassGrid, Grade, GradedCell
from labs.classroom.reports.escaping import html_text as escape
from labs.classroom.reports.labels import OUTCOME_SYMBOLS, short_label, title, totals

COLOURS = {
    Grade.PASS: "#d7f5dd",
    Grade.FAIL: "#fbd5d5",
    Grade.NOT_DEPLOYED: "#eceff1",
    Grade.NOT_VERIFIED: "#fff4c2",
    Grade.ERROR: "#ffe0b2",
}
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d2329; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table.grid { border-collapse: collapse; }
.grid th, .grid td { border: 1px solid #b0bec5; padding: .4rem .7rem; text-align: left; }
.grid td a { color: inherit; text-decoration: none; display: block; }
section.cell { border-left: .4rem solid #b0bec5; padding: .2rem 1rem; margin: 1rem 0; }
.item { margin: .2rem 0; } .hint { color: #37474f; margin-left: 1.6rem; font-style: italic; }
.note { color: #546e7a; }
"""


def anchor(cell: GradedCell) -> str:
    """The HTML id of a cell's details."""
    return f"{cell.owner}--{cell.lab_id}"


def render(grid: ClassGrid) -> str:
    """The grade grid as a standalone HTML page."""
    head = "<th>learner</th>" + "".join(f"<th>{escape(lab_id)}</th>" for lab_id in grid.labs)
    rows = []
    for owner, cells in grid.rows():
        tds = "".join(_grid_cell(cell) for cell in cells)
        rows.append(f"<tr><th>{escape(owner)}</th>{tds}</tr>")
    sections = "\n".join(_section(cell) for _, cells in grid.rows() for cell in cells)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(title(grid))}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{escape(title(grid))}</h1>
<p>{escape(totals(grid))}.</p>
<table class="grid">
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<h2>Each learner's lab</h2>
{sections}
</body>
</html>
"""


def _grid_cell(cell: GradedCell) -> str:
    return (
        f'<td style="background:{COLOURS[cell.grade]}" title="{escape(cell.headline)}">'
        f'<a href="#{escape(anchor(cell))}">{escape(short_label(cell))}</a></td>'
    )


def _section(cell: GradedCell) -> str:
    parts = [
        f'<section class="cell" id="{escape(anchor(cell))}" style="border-color:{COLOURS[cell.grade]}">',
        f"<h3>{escape(cell.owner)} · {escape(cell.lab_id)}: {escape(short_label(cell))}</h3>",
        f"<p>stack <code>{escape(cell.stack_name)}</code>"
        + (f", checked in {cell.seconds:.1f} s" if cell.report else "")
        + "</p>",
    ]
    if cell.report is None:
        parts.append(f'<p class="item">{escape(cell.headline)}</p>')
        if cell.hint:
            parts.append(f'<p class="hint">hint: {escape(cell.hint)}</p>')
    else:
        for item in cell.report.items:
            symbol = OUTCOME_SYMBOLS[item.outcome]
            parts.append(
                f'<p class="item">{symbol} <strong>{escape(item.name)}</strong>: {escape(item.detail)}</p>'
            )
            if item.hint:
                parts.append(f'<p class="hint">hint: {escape(item.hint)}</p>')
        parts += [f'<p class="note">note: {escape(note)}</p>' for note in cell.report.notes]
    parts.append("</section>")
    return "\n".join(parts)
