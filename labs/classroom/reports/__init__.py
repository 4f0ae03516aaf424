"""A class check's grid written four ways: Markdown, CSV, JUnit XML (for CI and course platforms), HTML.

Each format is a module with one `render(grid) -> str`; `write_reports` puts the four files in a folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from labs.classroom.reports import csv_table, html_page, junit, markdown

if TYPE_CHECKING:
    from labs.classroom.grading import ClassGrid

FILES = {
    "report.md": markdown.render,
    "report.csv": csv_table.render,
    "report.xml": junit.render,
    "report.html": html_page.render,
}


def write_reports(grid: ClassGrid, directory: Path) -> list[Path]:
    """The four reports in `directory` (created if needed), in the order of FILES."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in FILES.items():
        path = directory / name
        path.write_text(render(grid), encoding="utf-8")
        written.append(path)
    return written
