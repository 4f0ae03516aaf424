"""The class grid as CSV: one row per learner and lab, for a spreadsheet or a course platform's import."""

from __future__ import annotations

import csv
import io

from labs.checks.report import Outcome
from labs.classroom.grading import ClassGrid

HEADER = (
    "owner",
    "lab",
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


def render(grid: ClassGrid) -> str:
    """The grade grid as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for _, cells in grid.rows():
        for cell in cells:
            outcomes = [item.outcome for item in cell.report.items] if cell.report else []
            failure = cell.first_failure
            writer.writerow(
                (
                    cell.owner,
                    cell.lab_id,
                    cell.grade.value,
                    cell.stack_name,
                    failure.name if failure else "",
                    failure.detail if failure else cell.headline,
                    cell.hint,
                    outcomes.count(Outcome.PASS),
                    outcomes.count(Outcome.FAIL),
                    outcomes.count(Outcome.SKIPPED),
                    f"{cell.seconds:.1f}",
                )
            )
    return out.getvalue()
