"""The graded grid as a teacher, a spreadsheet, a CI system and a browser read it."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from labs.checks.report import CheckReport
from labs.classroom.accounts import Unreachable
from labs.classroom.grading import ClassGrid, Grade, GradedCell, grade_report, not_deployed, unreachable
from labs.classroom.reports import FILES, csv_table, gradescope, html_page, junit, markdown, write_reports
from labs.classroom.reports.labels import short_label
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


def test_the_reports_are_written_into_a_new_folder_with_a_results_json_per_learner(
    grid: ClassGrid, tmp_path: Path
) -> None:
    folder = tmp_path / "reports" / "1A"
    written = write_reports(grid, folder)

    assert [path.relative_to(folder).as_posix() for path in written] == [
        "report.md",
        "report.csv",
        "report.xml",
        "report.html",
        "gradescope/alice/results.json",
        "gradescope/bob/results.json",
        "gradescope/carol/results.json",
    ]
    assert all(path.read_text(encoding="utf-8") for path in written)


@pytest.fixture
def every_grade() -> ClassGrid:
    """A grid with every grade: pass, fail, not deployed, not verified, and a learner not reached."""
    roster = Roster(
        Path("1A.txt"), tuple(Learner(o, n) for n, o in enumerate(("alice", "bob", "carol", "dave"), 1))
    )
    nothing = CheckReport("LabEc2", "dave-LabEc2")
    nothing.not_verifiable("Ping", "no network")
    away = Unreachable(
        owner="dave",
        account="444444444444",
        role_arn="arn:aws:iam::444444444444:role/T",
        reason="AccessDenied: no",
    )
    cells = [
        passing("alice", "LabEc2"),
        passing("alice", "LabDdbStream"),
        passing("bob", "LabEc2"),
        failing("bob", "LabDdbStream"),
        not_deployed("carol", "LabEc2"),
        not_deployed("carol", "LabDdbStream"),
        grade_report("dave", "LabEc2", nothing, seconds=0.5),
        unreachable(away, "LabDdbStream"),
    ]
    return ClassGrid(
        roster=roster,
        labs=LABS,
        checked_at=datetime(2030, 1, 1, 10, 0, tzinfo=UTC),
        region="2 account(s), us-east-1",
        cells={(cell.owner, cell.lab_id): cell for cell in cells},
    )


def test_gradescope_results_follow_its_published_schema_a_point_per_lab(every_grade: ClassGrid) -> None:
    bob = gradescope.results(every_grade, "bob")

    assert bob is not None
    assert bob["score"] == 1.0
    assert [test["name"] for test in bob["tests"]] == list(LABS)
    assert all(set(test) == {"name", "score", "max_score", "status", "output"} for test in bob["tests"])
    passed, failed = bob["tests"]
    assert (passed["score"], passed["max_score"], passed["status"]) == (1.0, 1.0, "passed")
    assert (failed["score"], failed["max_score"], failed["status"]) == (0.0, 1.0, "failed")
    assert failed["output"].splitlines()[0] == "✘ fail: Table stream"
    assert "  hint: redeploy the lab & retry" in failed["output"]
    # a lab not deployed is the learner's: a real zero
    carol = gradescope.results(every_grade, "carol")
    assert carol is not None
    assert carol["score"] == 0.0


def test_gradescope_renders_every_output_as_plain_text(every_grade: ClassGrid) -> None:
    """Gradescope's top-level default, simple_format, renders HTML: a learner's error line could hold some."""
    bob = gradescope.results(every_grade, "bob")

    assert bob is not None
    assert (bob["output_format"], bob["test_output_format"], bob["test_name_format"]) == ("text",) * 3


def test_a_learner_not_reached_or_not_verifiable_gets_no_gradescope_score_but_a_note(
    every_grade: ClassGrid, tmp_path: Path
) -> None:
    """dave's LabEc2 verified nothing and his account was not reached for LabDdbStream: no grade at all."""
    assert gradescope.results(every_grade, "dave") is None

    write_reports(every_grade, tmp_path)

    folder = tmp_path / "gradescope" / "dave"
    assert not (folder / "results.json").exists()
    note = (folder / "NOT_GRADED.txt").read_text(encoding="utf-8")
    assert note.startswith(
        "labkit class check of dave, 2030-01-01 10:00 UTC: NOT GRADED, so no results.json."
    )
    assert "LabEc2: ? not verified: nothing could be verified here" in note
    assert (
        "LabDdbStream: ! error: account 444444444444 not reached: role arn:aws:iam::444444444444:role/T"
        in note
    )


def test_a_rerun_replaces_a_learners_earlier_grade_and_note(every_grade: ClassGrid, tmp_path: Path) -> None:
    folder = tmp_path / "gradescope" / "dave"
    folder.mkdir(parents=True)
    (folder / "results.json").write_text('{"score": 0.0}', encoding="utf-8")  # an earlier run's zero

    write_reports(every_grade, tmp_path)

    assert sorted(path.name for path in folder.iterdir()) == ["NOT_GRADED.txt"]


def test_a_rerun_for_another_roster_leaves_no_grade_of_a_learner_not_on_it(
    every_grade: ClassGrid, tmp_path: Path
) -> None:
    gone = tmp_path / gradescope.FOLDER / "zed"
    gone.mkdir(parents=True)
    (gone / gradescope.FILE).write_text('{"score": 1.0}', encoding="utf-8")
    kept = tmp_path / gradescope.FOLDER / "yan"
    kept.mkdir()
    (kept / gradescope.FILE).write_text('{"score": 1.0}', encoding="utf-8")
    (kept / "teacher-notes.txt").write_text("mine", encoding="utf-8")

    write_reports(every_grade, tmp_path)

    assert not gone.exists()
    assert sorted(path.name for path in kept.iterdir()) == ["teacher-notes.txt"]  # not the kit's: kept
    on_roster = {path.name for path in (tmp_path / gradescope.FOLDER).iterdir()} - {"yan"}
    assert on_roster == set(every_grade.roster.owners)


def test_the_csv_says_which_rows_are_grades_and_leaves_the_score_of_the_others_empty(
    every_grade: ClassGrid,
) -> None:
    rows = {(r["owner"], r["lab"]): r for r in csv.DictReader(io.StringIO(csv_table.render(every_grade)))}

    assert (rows[("alice", "LabEc2")]["status"], rows[("alice", "LabEc2")]["score"]) == ("graded", "1")
    assert (rows[("bob", "LabDdbStream")]["status"], rows[("bob", "LabDdbStream")]["score"]) == (
        "graded",
        "0",
    )
    assert (rows[("carol", "LabEc2")]["status"], rows[("carol", "LabEc2")]["score"]) == ("graded", "0")
    for lab in LABS:
        assert (rows[("dave", lab)]["status"], rows[("dave", lab)]["score"]) == ("not graded", "")


def test_junit_counts_a_learner_not_reached_as_an_error_and_nothing_verified_as_skipped(
    every_grade: ClassGrid,
) -> None:
    root = ET.fromstring(junit.render(every_grade))
    cases = {(case.get("classname"), case.get("name")): case for case in root.iter("testcase")}

    assert [child.tag for child in cases[("dave", "LabDdbStream")]] == ["error"]
    assert next(child.tag for child in cases[("dave", "LabEc2")]) == "skipped"
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("3", "1", "1")


def _labels_from_markdown(text: str) -> dict[tuple[str, str], str]:
    found = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| ") and cells[0] not in ("learner", "---") and len(cells) == 1 + len(LABS):
            found.update({(cells[0], lab): label for lab, label in zip(LABS, cells[1:], strict=True)})
    return found


def _labels_from_html(text: str) -> dict[tuple[str, str], str]:
    pattern = re.compile(r'<a href="#([a-z0-9-]+)--(Lab\w+)">([^<]*)</a>')
    return {(owner, lab): html.unescape(label) for owner, lab, label in pattern.findall(text)}


def _grades_from_junit(text: str) -> dict[tuple[str, str], str]:
    found = {}
    for case in ET.fromstring(text).iter("testcase"):
        element = next((child for child in case if child.tag in ("failure", "error", "skipped")), None)
        found[(str(case.get("classname")), str(case.get("name")))] = (
            "pass" if element is None else str(element.get("type"))
        )
    return found


def test_every_format_lists_the_same_results(every_grade: ClassGrid, tmp_path: Path) -> None:
    write_reports(every_grade, tmp_path)
    read = {name: (tmp_path / name).read_text(encoding="utf-8") for name in FILES}
    pairs = {(owner, lab) for owner in every_grade.roster.owners for lab in LABS}

    labels = {pair: short_label(every_grade.cell(*pair)) for pair in pairs}
    grades = {pair: every_grade.cell(*pair).grade.value for pair in pairs}
    assert _labels_from_markdown(read["report.md"]) == labels
    assert _labels_from_html(read["report.html"]) == labels
    assert {
        (r["owner"], r["lab"]): r["grade"] for r in csv.DictReader(io.StringIO(read["report.csv"]))
    } == grades
    assert _grades_from_junit(read["report.xml"]) == grades
    from_json = {}
    for owner in every_grade.roster.owners:
        path = tmp_path / "gradescope" / owner / "results.json"
        if owner == "dave":  # not graded: no results.json (see the test above)
            continue
        results = json.loads(path.read_text(encoding="utf-8"))
        for test in results["tests"]:
            from_json[(owner, test["name"])] = test["output"].splitlines()[0]
            assert (test["status"] == "passed") == (grades[(owner, test["name"])] == "pass")
    assert from_json == {pair: label for pair, label in labels.items() if pair[0] != "dave"}
    assert len(set(grades.values())) == 5  # every grade took part


def test_a_roster_file_name_stays_text_in_every_report(grid: ClassGrid) -> None:
    roster = dataclasses.replace(grid.roster, path=Path("<b>*1A*[x](y).txt"))
    named = dataclasses.replace(grid, roster=roster)

    text = markdown.render(named)
    page = html_page.render(named)

    first = text.splitlines()[0]
    assert "\\<b\\>\\*1A\\*\\[x\\](y).txt" in first
    assert "<b>" not in first
    assert "&lt;b&gt;*1A*[x](y).txt" in page


HOSTILE = (
    "boom <img src=x onerror=alert(1)> [click](javascript:alert(1)) **loud** `code` a|b &amp;\n"
    '=HYPERLINK("http://evil")\x00\x1b[31m\x0b\ud800 end'
)


@pytest.fixture
def hostile() -> ClassGrid:
    """A learner whose handler's error line (an S3 key, a CSV cell) the check quotes in detail and hint."""
    report = CheckReport("LabDdbStream", "eve-LabDdbStream")
    report.add("Stack deployed", True, "CREATE_COMPLETE")
    report.add("CSV row in the bucket", False, HOSTILE, hint=f"read {HOSTILE}")
    spreadsheet = CheckReport("LabEc2", "eve-LabEc2")
    spreadsheet.add("Stack deployed", False, "=1+1 from a learner's stack status reason")
    cells = [grade_report("eve", "LabDdbStream", report, seconds=1.0)]
    cells.append(grade_report("eve", "LabEc2", spreadsheet, seconds=1.0))
    return ClassGrid(
        roster=Roster(Path("1A.txt"), (Learner("eve", 1),)),
        labs=("LabEc2", "LabDdbStream"),
        checked_at=datetime(2030, 1, 1, 10, 0, tzinfo=UTC),
        region="us-east-1",
        cells={(cell.owner, cell.lab_id): cell for cell in cells},
    )


def test_learner_text_stays_text_in_markdown(hostile: ClassGrid) -> None:
    text = markdown.render(hostile)

    quoted = [line.split("boom", 1)[1] for line in text.splitlines() if "boom" in line]
    assert len(quoted) == 2  # the detail and the hint
    assert all(re.search(r"(?<!\\)[<\[*`|&]", line) is None for line in quoted), quoted
    assert "\\<img src=x onerror=alert(1)\\>" in text
    assert "\\[click\\](javascript:alert(1))" in text
    assert "\\*\\*loud\\*\\*" in text
    assert "\\`code\\`" in text
    assert "a\\|b \\&amp;" in text
    detail = next(line for line in text.splitlines() if "**CSV row in the bucket**" in line)
    assert detail.endswith(" end")  # the learner's line break did not start a Markdown line of its own
    assert "\x1b" not in text


def test_learner_text_stays_text_in_html(hostile: ClassGrid, tmp_path: Path) -> None:
    page = html_page.render(hostile)
    write_reports(hostile, tmp_path)  # a lone surrogate could not be written as UTF-8

    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_no_learner_cell_is_a_spreadsheet_formula(hostile: ClassGrid) -> None:
    rows = {r["lab"]: r for r in csv.DictReader(io.StringIO(csv_table.render(hostile)))}

    assert rows["LabEc2"]["detail"] == "'=1+1 from a learner's stack status reason"
    assert rows["LabDdbStream"]["detail"].startswith("boom <img")  # text that is no formula stays as it is


def test_one_learners_control_characters_leave_the_class_junit_file_parseable(hostile: ClassGrid) -> None:
    text = junit.render(hostile)

    root = ET.fromstring(text)  # raised "not well-formed (invalid token)" with the NUL and escape bytes
    cases = {case.get("name"): case for case in root.iter("testcase")}
    failure = cases["LabDdbStream"].find("failure")
    assert failure is not None
    assert "\x00" not in text
    assert "\x1b" not in text
    assert failure.get("message", "").endswith("[31m end")


def test_gradescope_output_of_learner_text_is_valid_json_shown_as_text(hostile: ClassGrid) -> None:
    results = gradescope.results(hostile, "eve")

    assert results is not None
    assert json.loads(gradescope.render(hostile, "eve") or "")["output_format"] == "text"
    assert (
        "<img src=x onerror=alert(1)>" in results["tests"][1]["output"]
    )  # as text: Gradescope won't render it


def test_an_unreachable_learner_s_hint_names_the_kit_s_teacher_role_stack(every_grade: ClassGrid) -> None:
    dave = every_grade.cells[("dave", "LabDdbStream")]

    assert dave.grade is Grade.ERROR
    assert "in account 444444444444, deploy LabkitTeacherAccess with -c teacherPrincipals=" in dave.hint
    assert "classExternalId=" in dave.hint
