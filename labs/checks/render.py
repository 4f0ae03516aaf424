"""A check report as styled lines: a header, one line per item (with its hint), notes, then the verdict."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from labs.checks.report import CheckReport, Outcome

SYMBOLS = {Outcome.PASS: ("✔", "green"), Outcome.FAIL: ("✘", "red"), Outcome.SKIPPED: ("–", "yellow")}


def report_lines(report: CheckReport) -> list[Text]:
    """The report's lines for the terminal: a heading, one line per item with its hint, then the notes."""
    lines = [Text.assemble((f"{report.lab_id}", "bold"), f" · stack {report.stack_name}")]
    for item in report.items:
        symbol, style = SYMBOLS[item.outcome]
        label = " (not verifiable here)" if item.outcome is Outcome.SKIPPED else ""
        lines.append(Text.assemble(f" {symbol} ", (item.name, style), label, " — ", item.detail))
        if item.hint:
            lines.append(Text.assemble("     hint: ", (item.hint, "cyan")))
    if report.notes:
        lines.append(Text("Notes:", style="bold"))
        lines.extend(Text(f" • {note}") for note in report.notes)
    lines.append(verdict(report))
    return lines


def counts(report: CheckReport) -> str:
    """How many items passed, failed and were not verifiable here, in words."""
    outcomes = [item.outcome for item in report.items]
    return (
        f"{outcomes.count(Outcome.PASS)} passed, {outcomes.count(Outcome.FAIL)} failed, "
        f"{outcomes.count(Outcome.SKIPPED)} not verifiable here"
    )


def verdict(report: CheckReport) -> Text:
    """The report's one-line verdict."""
    if report.passed:
        return Text.assemble(("PASSED", "bold green"), f" ({counts(report)})")
    if any(item.outcome is Outcome.FAIL for item in report.items):
        return Text.assemble(("FAILED", "bold red"), f" ({counts(report)})")
    return Text.assemble(
        ("NOT VERIFIED", "bold yellow"), f" ({counts(report)}): nothing could be checked here"
    )


def print_report(report: CheckReport, console: Console) -> None:
    """Print the report on the console."""
    for line in report_lines(report):
        console.print(line)
