"""The graded grid as a teacher, a spreadsheet, a CI system and a browser read it."""

from __future__ import annotations

import csv
import dataclasses
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from labs.checks.report import CheckReport
from labs.classroom.grading import ClassGrid, Grade, GradedCell, grade_report, not_deployed
from labs.classroom.reports import csv_table, html_page, junit, markdown, write_reports
from labs.classroom.roster import Learner, Roster

LABS = ("LabEc2", "LabDdbStream")


def passing(owner: str, lab_id: str) -> GradedCell:
    report = CheckReport(lab_id, f"{owner}-{lab_id}")
    report.add("Stack deployed", True, f"{owner}-{lab_id} is CREATE_COMPLETE")
    report.not_verifiable("Elastic IP answers ping", "no network on the emulator")
    return grade_report(owner, lab_id, report, seconds=1.5)


def failing(owner: str, lab_id: str) -> GradedCell:
    report = CheckReport(lab_id, f"{owner}-{lab_id}")
    report.add("Stack deployed", True, "CREATE_COMPLETE")
    report.add("Table stream", False, "Users has no stream <enabled>", hint="redeploy the lab & retry")
    report.add("CSV row in the bucket", False, "not awaited", hint="fix the stream first")
    return grade_report(owner, lab_id, report, seconds=2.0)


@pytest.fixture
def grid() -> ClassGrid:
    roster = Roster(Path("1A.txt"), (Learner("alice", 1), Learner("bob", 2), Learner("carol", 3)))
    cells = [
        passing("alice", "LabEc2"),
        passing("alice", "LabDdbStream"),
        passing("bob", "LabEc2"),
        failing("bob", "LabDdbStream"),
        not_deployed("carol", "LabEc2"),
        not_deployed("carol", "LabDdbStream"),
    ]
    return ClassGrid(
        roster=roster,
        labs=LABS,
        checked_at=datetime(2030, 1, 1, 10, 0, tzinfo=UTC),
        region="us-east-1",
        cells={(cell.owner, cell.lab_id): cell for cell in cells},
    )


def test_a_cell_is_graded_by_its_first_failing_item_and_that_item_s_hint(grid: ClassGrid) -> None:
    bob = grid.cell("bob", "LabDdbStream")

    assert bob.grade is Grade.FAIL
    assert bob.headline == "Table stream: Users has no stream <enabled>"
    assert bob.hint == "redeploy the lab & retry"
    assert grid.cell("alice", "LabEc2").grade is Grade.PASS
    assert grid.cell("carol", "LabEc2").hint == "cdk deploy LabEc2 -c owner=carol"
    nothing_verified = CheckReport("LabEc2", "dave-LabEc2")
    nothing_verified.not_verifiable("Ping", "no network")
    assert grade_report("dave", "LabEc2", nothing_verified, seconds=0).grade is Grade.NOT_VERIFIED


def test_the_junit_file_has_a_case_per_learner_and_lab_and_counts_what_did_not_pass(grid: ClassGrid) -> None:
    root = ET.fromstring(junit.render(grid))

    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "6",
        "3",
        "0",
        "0",
    )
    assert [suite.get("name") for suite in root.iter("testsuite")] == ["alice", "bob", "carol"]
    cases = {(case.get("classname"), case.get("name")): case for case in root.iter("testcase")}
    assert len(cases) == 6
    bob = cases[("bob", "LabDdbStream")].find("failure")
    assert bob is not None
    assert bob.get("message") == "Table stream: Users has no stream <enabled>"
    assert "hint: redeploy the lab & retry" in (bob.text or "")
    carol = cases[("carol", "LabEc2")].find("failure")
    assert carol is not None
    assert carol.get("type") == "not deployed"
    assert cases[("alice", "LabEc2")].find("failure") is None
    assert "– Elastic IP answers ping" in (cases[("alice", "LabEc2")].findtext("system-out") or "")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.grid_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a":
            self.links.append(str(found.get("href")))


def test_the_html_page_is_self_contained_and_each_grid_cell_links_to_its_details(grid: ClassGrid) -> None:
    text = html_page.render(grid)
    page = _Page()
    page.feed(text)

    assert {"script", "link", "img"}.isdisjoint(page.tags)
    assert "http" not in text
    assert len(page.links) == 6
    assert {link.removeprefix("#") for link in page.links} == page.ids
    for name in ("alice", "bob", "carol", *LABS):
        assert name in text
    assert "Users has no stream &lt;enabled&gt;" in text
    assert "hint: redeploy the lab &amp; retry" in text
    assert "3 passed, 1 failed, 2 not deployed of 6." in text


def test_the_markdown_shows_the_grid_then_what_did_not_pass(grid: ClassGrid) -> None:
    text = markdown.render(grid)

    assert "| learner | LabEc2 | LabDdbStream |" in text
    assert "| bob | ✔ pass | ✘ fail: Table stream |" in text
    assert "| carol | – not deployed | – not deployed |" in text
    assert "### bob · LabDdbStream (✘ fail: Table stream)" in text
    assert "  - hint: fix the stream first" in text
    assert "### alice" not in text


def test_the_csv_has_a_row_per_learner_and_lab(grid: ClassGrid) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_table.render(grid))))

    assert len(rows) == 6
    bob = next(row for row in rows if (row["owner"], row["lab"]) == ("bob", "LabDdbStream"))
    assert (bob["grade"], bob["first_failing_item"], bob["failed_items"]) == ("fail", "Table stream", "2")
    carol = next(row for row in rows if row["owner"] == "carol")
    assert (carol["grade"], carol["detail"]) == ("not deployed", "no stack carol-LabEc2")


def test_the_four_reports_are_written_into_a_new_folder(grid: ClassGrid, tmp_path: Path) -> None:
    written = write_reports(grid, tmp_path / "reports" / "1A")

    assert [path.name for path in written] == ["report.md", "report.csv", "report.xml", "report.html"]
    assert all(path.read_text(encoding="utf-8") for path in written)


def test_a_roster_file_name_stays_text_in_every_report(grid: ClassGrid) -> None:
    roster = dataclasses.replace(grid.roster, path=Path("<b>*1A*[x](y).txt"))
    named = dataclasses.replace(grid, roster=roster)

    text = markdown.render(named)
    page = html_page.render(named)

    first = text.splitlines()[0]
    assert "\\<b\\>\\*1A\\*\\[x\\]\\(y\\).txt" in first
    assert "<b>" not in first
    assert "&lt;b&gt;*1A*[x](y).txt" in page
