"""The class grid as JUnit XML: a test suite per learner, a test case per lab, readable by CI systems.

A lab not deployed is a failure (type "not deployed"): the learner has not shown it works. A check that
could not run (a learner not reached included) is an error, never a failure; one that could verify nothing
here is skipped; a pass is a plain test case. Characters XML 1.0 forbids (a learner's handler can print any)
are dropped from every text, so one learner cannot make the class's file unparseable.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from labs.classroom.grading import ClassGrid, Grade, GradedCell
from labs.classroom.reports.escaping import plain_text
from labs.classroom.reports.labels import OUTCOME_SYMBOLS, title

# which JUnit element each grade is, if any
ELEMENTS = {
    Grade.FAIL: "failure",
    Grade.NOT_DEPLOYED: "failure",
    Grade.ERROR: "error",
    Grade.NOT_VERIFIED: "skipped",
}


def render(grid: ClassGrid) -> str:
    """The grade grid as JUnit XML: one suite per learner, one case per lab."""
    suites = ET.Element("testsuites", name=plain_text(title(grid)))
    for owner, cells in grid.rows():
        suite = ET.SubElement(
            suites, "testsuite", name=owner, timestamp=f"{grid.checked_at:%Y-%m-%dT%H:%M:%S}"
        )
        for cell in cells:
            _testcase(suite, cell)
        _count(suite, cells)
    _count(suites, list(grid.cells.values()))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _testcase(suite: ET.Element, cell: GradedCell) -> None:
    case = ET.SubElement(
        suite, "testcase", classname=plain_text(cell.owner), name=cell.lab_id, time=f"{cell.seconds:.3f}"
    )
    element = ELEMENTS.get(cell.grade)
    if element is not None:
        outcome = ET.SubElement(case, element, message=plain_text(cell.headline), type=cell.grade.value)
        if element != "skipped":
            outcome.text = plain_text(
                "\n".join([cell.headline, *([f"hint: {cell.hint}"] if cell.hint else [])])
            )
    if cell.report is not None:
        out = ET.SubElement(case, "system-out")
        lines = [f"stack {cell.stack_name}"]
        for item in cell.report.items:
            lines.append(f"{OUTCOME_SYMBOLS[item.outcome]} {item.name}: {item.detail}")
            lines += [f"  hint: {item.hint}"] if item.hint else []
        lines += [f"note: {note}" for note in cell.report.notes]
        out.text = plain_text("\n".join(lines))


def _count(element: ET.Element, cells: list[GradedCell]) -> None:
    grades = [cell.grade for cell in cells]
    element.set("tests", str(len(cells)))
    element.set("failures", str(grades.count(Grade.FAIL) + grades.count(Grade.NOT_DEPLOYED)))
    element.set("errors", str(grades.count(Grade.ERROR)))
    element.set("skipped", str(grades.count(Grade.NOT_VERIFIED)))
    element.set("time", f"{sum(cell.seconds for cell in cells):.3f}")
