"""The demo's summary: one row per lab, then everything the emulator did differently from AWS."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from labs.checks.report import Outcome

if TYPE_CHECKING:
    from labs.demo.runs import LabRun
    from labs.emulator.local_aws import LocalAws


def check_cell(lab_run: LabRun) -> str:
    if lab_run.report is None:
        return "[red]not run[/red]" if lab_run.deploy_s is None else "[red]error[/red]"
    outcomes = [item.outcome for item in lab_run.report.items]
    counts = (
        f"{outcomes.count(Outcome.PASS)} passed, {outcomes.count(Outcome.FAIL)} failed, "
        f"{outcomes.count(Outcome.NOT_VERIFIABLE)} not verifiable"
    )
    return f"[green]PASSED[/green] ({counts})" if lab_run.report.passed else f"[red]FAILED[/red] ({counts})"


def leftovers_cell(lab_run: LabRun) -> str:
    if lab_run.leftovers is None:
        return "[red]not scanned[/red]"
    if not lab_run.leftovers:
        return "[green]none[/green]"
    return (
        "[red]"
        + escape(", ".join(f"{item.resource_type} {item.identifier}" for item in lab_run.leftovers))
        + "[/red]"
    )


def seconds(value: float | None) -> str:
    return "[red]failed[/red]" if value is None else f"{value:.1f} s"


def results_table(runs: Sequence[LabRun]) -> Table:
    table = Table(title="Labs on the emulator", title_justify="left")
    for column in ("Lab", "Deploy", "Check", "Destroy", "Leftovers", "Result"):
        table.add_column(column, overflow="fold")
    for lab_run in runs:
        result = "[green]✔ pass[/green]" if lab_run.passed else "[red]✘ fail[/red]"
        table.add_row(
            lab_run.lab_id,
            seconds(lab_run.deploy_s),
            check_cell(lab_run),
            seconds(lab_run.destroy_s),
            leftovers_cell(lab_run),
            result,
        )
    return table


def emulator_notes(aws: LocalAws, runs: Sequence[LabRun]) -> Iterator[str]:
    """Everything done differently on the emulator, so no pass here is mistaken for one on AWS."""
    yield "\n[bold]On the emulator, not on AWS:[/bold]"
    for lab_run in runs:
        for note in lab_run.notes:
            yield f" • {lab_run.lab_id}: {escape(note)}"
        for failure in lab_run.failures:
            yield f" • [red]{lab_run.lab_id}: {escape(failure)}[/red]"
    for gap in aws.gaps:
        yield f" • {gap.name}: {escape(gap.detail)}"
    yield "[bold]AWS parity fixes applied inside the emulator (moto 5.2.5 differs from AWS here):[/bold]"
    for fix in aws.parity_fixes:
        yield f" • {fix.name}: {escape(fix.why)}"
