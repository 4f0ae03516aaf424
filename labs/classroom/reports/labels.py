"""How every report names a grade and describes a cell, so the four formats say the same thing."""

from __future__ import annotations

from labs.checks.report import Outcome
from labs.classroom.grading import ClassGrid, Grade, GradedCell

SYMBOLS = {
    Grade.PASS: "✔",
    Grade.FAIL: "✘",
    Grade.NOT_DEPLOYED: "–",
    Grade.NOT_VERIFIED: "?",
    Grade.ERROR: "!",
}
OUTCOME_SYMBOLS = {Outcome.PASS: "✔", Outcome.FAIL: "✘", Outcome.SKIPPED: "–"}


def short_label(cell: GradedCell) -> str:
    """`✔ pass`, `✘ fail: Stack deployed`, `not deployed`: what fits in a grid cell."""
    label = f"{SYMBOLS[cell.grade]} {cell.grade.value}"
    failure = cell.first_failure
    return f"{label}: {failure.name}" if failure is not None else label


def totals(grid: ClassGrid) -> str:
    """`3 passed, 1 failed, 2 not deployed of 6` (grades with no cell left out)."""
    words = {
        Grade.PASS: "passed",
        Grade.FAIL: "failed",
        Grade.NOT_DEPLOYED: "not deployed",
        Grade.NOT_VERIFIED: "not verified",
        Grade.ERROR: "could not be checked",
    }
    parts = [f"{grid.count(grade)} {word}" for grade, word in words.items() if grid.count(grade)]
    return f"{', '.join(parts)} of {len(grid.cells)}"


def title(grid: ClassGrid) -> str:
    """The title every report of the grid carries."""
    region = f", {grid.region}" if grid.region else ""
    return f"Class check of {grid.roster.path.name}: {grid.checked_at:%Y-%m-%d %H:%M} UTC{region}"


def needs_details(cell: GradedCell) -> bool:
    """Whether a cell's report shows its items (every grade but a pass)."""
    return cell.grade is not Grade.PASS
