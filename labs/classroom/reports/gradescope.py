"""Each learner's grades as Gradescope's `results.json`, one file per learner.

The format is Gradescope's published autograder output (gradescope-autograders.readthedocs.io, "Autograder
Specifications", Output format): a top-level `score` and `tests`, each test with `name`, `score`,
`max_score`, `status` ("passed" or "failed") and `output`. A lab is one test worth one point: a pass scores
it, every other grade scores 0 and says why in `output`, whose first line is the grid's label.
"""

from __future__ import annotations

import json
from typing import Any

from labs.checks.report import Outcome
from labs.classroom.grading import ClassGrid, Grade, GradedCell
from labs.classroom.reports.labels import OUTCOME_SYMBOLS, short_label

POINTS_PER_LAB = 1.0
FOLDER = "gradescope"
FILE = "results.json"


def results(grid: ClassGrid, owner: str) -> dict[str, Any]:
    """One learner's results.json as a dict."""
    tests = [_test(grid.cell(owner, lab_id)) for lab_id in grid.labs]
    cells = [grid.cell(owner, lab_id) for lab_id in grid.labs]
    return {
        "score": sum(test["score"] for test in tests),
        "execution_time": round(sum(cell.seconds for cell in cells)),
        "output": f"labkit class check of {owner}, {grid.checked_at:%Y-%m-%d %H:%M} UTC",
        "tests": tests,
    }


def render(grid: ClassGrid, owner: str) -> str:
    """One learner's grades as Gradescope's results JSON."""
    return json.dumps(results(grid, owner), indent=2, ensure_ascii=False) + "\n"


def _test(cell: GradedCell) -> dict[str, Any]:
    passed = cell.grade is Grade.PASS
    return {
        "name": cell.lab_id,
        "score": POINTS_PER_LAB if passed else 0.0,
        "max_score": POINTS_PER_LAB,
        "status": "passed" if passed else "failed",
        "output": "\n".join(_output(cell)),
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
