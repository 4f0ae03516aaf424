"""The class grid as CSV: one row per learner and lab, for a spreadsheet or a course platform's import.

`status` says whether the row is a grade at all: a lab that could not be checked (a learner not reached,
a check that failed to run) or where nothing could be verified is `not graded`, with an empty `score`,
never a zero. Every text cell is kept from being read as a formula (a learner's S3 key or handler error
could start with `=`).
"""

from __future__ import annotations

import csv
import io

from labs.checks.report import Outcome
from labs.classroom.grading import ClassGrid, Grade, GradedCell
from labs.classroom.reports.escaping import spreadsheet_cell

HEADER = (
    "owner",
    "lab",
    "status",
    "score",
    "grade",
    "stack",
    "first_failing_item",
    "detail",
    "hint",
    "passed_items",
    "failed_items",
    "not_verifiable_items",
    "seconds",
)
GRADED, NOT_GRADED = "graded", "not graded"


def score(cell: GradedCell) -> str:
    """1 for a pass, 0 for another grade, empty when the lab was not graded."""
    if not cell.grade.graded:
        return ""
    return "1" if cell.grade is Grade.PASS else "0"


def render(grid: ClassGrid) -> str:
    """The grade grid as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for _, cells in grid.rows():
        for cell in cells:
            outcomes = [item.outcome for item in cell.report.items] if cell.report else []
            failure = cell.first_failure
            texts = (
                cell.owner,
                cell.lab_id,
                GRADED if cell.grade.graded else NOT_GRADED,
                score(cell),
                cell.grade.value,
                cell.stack_name,
                failure.name if failure else "",
                failure.detail if failure else cell.headline,
                cell.hint,
            )
            writer.writerow(
                (
                    *(spreadsheet_cell(text) for text in texts),
                    outcomes.count(Outcome.PASS),
                    outcomes.count(Outcome.FAIL),
                    outcomes.count(Outcome.SKIPPED),
                    f"{cell.seconds:.1f}",
                )
            )
    return out.getvalue()
