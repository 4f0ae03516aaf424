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
    `gradescope/<owner>/results.json`, or `NOT_GRADED.txt` for a learner with a lab that could not be
    graded."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in FILES.items():
        path = directory / name
        path.write_text(render(grid), encoding="utf-8")
        written.append(path)
    for owner in grid.roster.owners:
        folder = directory / gradescope.FOLDER / owner
        folder.mkdir(parents=True, exist_ok=True)
        graded = gradescope.render(grid, owner)
        # a rerun must not leave a learner the grade of an earlier run, nor a stale note
        stale = folder / (gradescope.NOT_GRADED_FILE if graded is not None else gradescope.FILE)
        stale.unlink(missing_ok=True)
        path = folder / (gradescope.FILE if graded is not None else gradescope.NOT_GRADED_FILE)
        path.write_text(graded if graded is not None else gradescope.not_graded_text(grid, owner), "utf-8")
        written.append(path)
    _drop_grades_of_others(directory / gradescope.FOLDER, keep=set(grid.roster.owners))
    return written


def _drop_grades_of_others(folder: Path, *, keep: set[str]) -> None:
    """An earlier run's grades of owners not on this roster go: an upload of the folder is this run's."""
    for owner_folder in (path for path in folder.iterdir() if path.is_dir() and path.name not in keep):
        for name in (gradescope.FILE, gradescope.NOT_GRADED_FILE):
            (owner_folder / name).unlink(missing_ok=True)
        if not any(owner_folder.iterdir()):  # anything else in it is not the kit's: left alone
            owner_folder.rmdir()
