"""How labkit talks to a terminal: check reports, leftover lists and a progress line while it waits."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from labs.checking import CheckReport, Outcome

if TYPE_CHECKING:
    from labs.leftovers import Leftover

SYMBOLS = {Outcome.PASS: ("✔", "green"), Outcome.FAIL: ("✘", "red"), Outcome.NOT_VERIFIABLE: ("–", "yellow")}

# update(status line, seconds waited so far)
ProgressUpdate = Callable[[str, float], None]


def make_console() -> Console:
    # highlight off: ids and numbers in details stay plain; soft_wrap off so long details wrap at words
    return Console(highlight=False)


def report_lines(report: CheckReport) -> list[Text]:
    """The report as styled lines: a header, one line per item (+ hint), notes, then the verdict."""
    lines = [Text.assemble((f"{report.lab_id}", "bold"), f" · stack {report.stack_name}")]
    for item in report.items:
        symbol, style = SYMBOLS[item.outcome]
        label = " (not verifiable here)" if item.outcome is Outcome.NOT_VERIFIABLE else ""
        lines.append(Text.assemble(f" {symbol} ", (item.name, style), label, " — ", item.detail))
        if item.hint:
            lines.append(Text.assemble("     hint: ", (item.hint, "cyan")))
    if report.notes:
        lines.append(Text("Notes:", style="bold"))
        lines.extend(Text(f" • {note}") for note in report.notes)
    lines.append(verdict(report))
    return lines


def verdict(report: CheckReport) -> Text:
    outcomes = [item.outcome for item in report.items]
    passed, failed = outcomes.count(Outcome.PASS), outcomes.count(Outcome.FAIL)
    unverifiable = outcomes.count(Outcome.NOT_VERIFIABLE)
    counts = f"{passed} passed, {failed} failed, {unverifiable} not verifiable here"
    if report.passed:
        return Text.assemble(("PASSED", "bold green"), f" ({counts})")
    if failed:
        return Text.assemble(("FAILED", "bold red"), f" ({counts})")
    return Text.assemble(("NOT VERIFIED", "bold yellow"), f" ({counts}): nothing could be checked here")


def print_report(report: CheckReport, console: Console | None = None) -> None:
    out = console or make_console()
    for line in report_lines(report):
        out.print(line)


def leftovers_table(leftovers: Sequence[Leftover], title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("Type", no_wrap=True)
    table.add_column("Identifier", overflow="fold")
    table.add_column("Why it counts")
    for leftover in leftovers:
        table.add_row(leftover.resource_type, leftover.identifier, leftover.reason)
    return table


def print_leftovers(leftovers: Sequence[Leftover], scope: str, console: Console | None = None) -> None:
    out = console or make_console()
    if not leftovers:
        out.print(Text.assemble(("✔ ", "green"), f"Nothing left behind by {scope}."))
        return
    out.print(leftovers_table(leftovers, f"✘ {len(leftovers)} leftover(s) of {scope}"))


@contextmanager
def wait_progress(
    description: str, timeout_s: float, console: Console | None = None
) -> Iterator[ProgressUpdate]:
    """A live status line on a terminal (`description: status (12 s of 120 s)`); silent otherwise."""
    out = console or make_console()
    if not out.is_terminal:
        yield lambda _status, _elapsed: None
        return
    with out.status(description) as status:

        def update(text: str, elapsed: float) -> None:
            status.update(Text(f"{description}: {text} ({elapsed:.0f} s of {timeout_s:.0f} s)"))

        yield update
