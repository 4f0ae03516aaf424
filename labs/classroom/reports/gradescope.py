"""Each learner's grades as Gradescope's `results.json`, one file per learner.

The format is Gradescope's published autograder output (gradescope-autograders.readthedocs.io, "Autograder
Specifications", Output format): a top-level `score` and `tests`, each test with `name`, `score`,
`max_score`, `status` ("passed" or "failed") and `output`. A lab is one test worth one point: a pass scores
it, a failure or a lab not deployed scores 0 and says why in `output`, whose first line is the grid's label.
Every output is plain text (`output_format`, `test_output_format`, `test_name_format`: "text"); Gradescope's
default for the top-level output, "simple_format", renders HTML, and a learner's error line may hold some.

A learner with a lab that could not be graded (not reached, a check that could not run, nothing verifiable
where it ran) gets no results.json: any score would be a grade for an infrastructure problem. Their folder
holds NOT_GRADED.txt instead, saying why; Gradescope records no score for a run without results.json.
"""

from __future__ import annotations

import json
from typing import Any

from labs.checks.report import Outcome
from labs.classroom.grading import ClassGrid, Grade, GradedCell
from labs.classroom.reports.escaping import plain_text
from labs.classroom.reports.labels import OUTCOME_SYMBOLS, short_label

POINTS_PER_LAB = 1.0
FOLDER = "gradescope"
FILE = "results.json"
NOT_GRADED_FILE = "NOT_GRADED.txt"
TEXT = "text"


def not_graded(grid: ClassGrid, owner: str) -> list[GradedCell]:
    """The learner's labs that could not be graded (empty: every lab has a grade)."""
    return [cell for cell in (grid.cell(owner, lab_id) for lab_id in grid.labs) if not cell.grade.graded]


def results(grid: ClassGrid, owner: str) -> dict[str, Any] | None:
    """One learner's results.json as a dict, or None when a lab of theirs could not be graded."""
    if not_graded(grid, owner):
        return None
    cells = [grid.cell(owner, lab_id) for lab_id in grid.labs]
    tests = [_test(cell) for cell in cells]
    return {
        "score": sum(test["score"] for test in tests),
        "execution_time": round(sum(cell.seconds for cell in cells)),
        "output": f"labkit class check of {owner}, {grid.checked_at:%Y-%m-%d %H:%M} UTC",
        "output_format": TEXT,
        "test_output_format": TEXT,
        "test_name_format": TEXT,
        "tests": tests,
    }


def render(grid: ClassGrid, owner: str) -> str | None:
    """One learner's grades as Gradescope's results JSON, or None when they cannot be graded."""
    found = results(grid, owner)
    return None if found is None else json.dumps(found, indent=2, ensure_ascii=False) + "\n"


def not_graded_text(grid: ClassGrid, owner: str) -> str:
    """Why the learner has no results.json: each lab that could not be graded, and what to do."""
    lines = [
        f"labkit class check of {owner}, {grid.checked_at:%Y-%m-%d %H:%M} UTC: NOT GRADED, so no {FILE}.",
        "A grade needs every lab checked; these could not be (an infrastructure problem, not the learner's "
        "work). Fix the reason and rerun `labkit class check`.",
        "",
    ]
    for cell in not_graded(grid, owner):
        lines.append(f"{cell.lab_id}: {short_label(cell)}: {cell.headline}")
        lines += [f"  hint: {cell.hint}"] if cell.hint else []
    return plain_text("\n".join(lines)) + "\n"


def _test(cell: GradedCell) -> dict[str, Any]:
    passed = cell.grade is Grade.PASS
    return {
        "name": cell.lab_id,
        "score": POINTS_PER_LAB if passed else 0.0,
        "max_score": POINTS_PER_LAB,
        "status": "passed" if passed else "failed",
        "output": plain_text("\n".join(_output(cell))),
    }


def _output(cell: GradedCell) -> list[str]:
    lines = [short_label(cell), f"stack {cell.stack_name}"]
    if cell.report is None:
        lines.append(cell.headline + (f"\nhint: {cell.hint}" if cell.hint else ""))
        return lines
    for item in cell.report.items:
        lines.append(f"{OUTCOME_SYMBOLS[item.outcome]} {item.name}: {item.detail}")
        if item.hint and item.outcome is not Outcome.PASS:
            lines.append(f"  hint: {item.hint}")
    return lines
