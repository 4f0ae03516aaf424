"""A class check's grid written five ways: Markdown, CSV, JUnit XML (for CI and course platforms), HTML,
and Gradescope's results.json per learner.

Each class-wide format is a module with one `render(grid) -> str`; `gradescope.render(grid, owner)` writes
one learner's file; `write_reports` puts them all in a folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from labs.classroom.reports import csv_table, gradescope, html_page, junit, markdown

if TYPE_CHECKING:
    from labs.classroom.grading import ClassGrid

FILES = {
    "report.md": markdown.render,
    "report.csv": csv_table.render,
    "report.xml": junit.render,
    "report.html": html_page.render,
}


def write_reports(grid: ClassGrid, directory: Path) -> list[Path]:
    """The reports in `directory` (created if needed), in the order of FILES, then each learner's
    `gradescope/<owner>/results.json`."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in FILES.items():
        path = directory / name
        path.write_text(render(grid), encoding="utf-8")
        written.append(path)
    for owner in grid.roster.owners:
        path = directory / gradescope.FOLDER / owner / gradescope.FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(gradescope.render(grid, owner), encoding="utf-8")
        written.append(path)
    return written
