"""The demo's summary: what the run did differently from AWS first, then one row per lab, the verdict last."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from labs.demo.emulator_or_account import EmulatorTarget
from labs.demo.runs import CHECK, RECHECK, STEPS
from local_aws.client import MOTO_VERSION

if TYPE_CHECKING:
    from labs.demo.emulator_or_account import Target
    from labs.demo.runs import LabRun

HEADERS = {
    "deploy": "Deploy",
    "check": "Check",
    "redeploy": "Redeploy",
    "check again": "Recheck",
    "expiry": "Expiry",
    "leftovers": "Scan",
}


def step_cell(lab_run: LabRun, step: str) -> str:
    """One step's cell in the results table."""
    found = lab_run.steps.get(step)
    if found is None:
        return "[red]not run[/red]"
    if found.failed or found.seconds is None:
        return "[red]✘ skipped[/red]" if found.detail.startswith("skipped") else "[red]✘ failed[/red]"
    if step == "leftovers":
        return "[green]✔ none[/green]"
    return f"[green]✔[/green] {found.seconds:.1f} s"


def results_table(runs: Sequence[LabRun], *, caption: str = "") -> Table:
    """The table of each lab's steps and result."""
    table = Table(title="The life of each lab", title_justify="left", caption=caption, caption_justify="left")
    table.add_column("Lab", no_wrap=True)
    for column in (*(HEADERS[step] for step in STEPS), "Result"):
        table.add_column(column, overflow="fold")
    for lab_run in runs:
        result = "[green]✔ pass[/green]" if lab_run.passed else "[red]✘ fail[/red]"
        table.add_row(lab_run.lab_id, *(step_cell(lab_run, step) for step in STEPS), result)
    return table


def run_notes(target: Target, runs: Sequence[LabRun], *, verbose: bool) -> Iterator[str]:
    """What a pass here means: the failures in full, and on the emulator, what it cannot show."""
    for lab_run in runs:
        for step in (CHECK, "redeploy", RECHECK, "expiry"):
            found = lab_run.steps.get(step)
            if found and not found.failed and found.detail:
                yield f" • {lab_run.lab_id} {step}: {escape(found.detail)}"
        for note in lab_run.notes:
            yield f" • {lab_run.lab_id}: {escape(note)}"
        for failure in lab_run.failures:
            yield f" • [red]{lab_run.lab_id}: {escape(failure)}[/red]"
    if not isinstance(target, EmulatorTarget):
        return
    aws = target.aws
    yield "[bold]What the emulator cannot show (checks report these as not verifiable):[/bold]"
    for gap in aws.gaps:
        yield f" • {gap.name}: {escape(gap.detail)}"
    if verbose:
        differs = f"moto {MOTO_VERSION} differs from AWS here"
        yield f"[bold]AWS parity fixes applied inside the emulator ({differs}):[/bold]"
        yield from (f" • {fix.name}: {escape(fix.why)}" for fix in aws.parity_fixes)
    else:
        yield f"{len(aws.parity_fixes)} AWS parity fixes applied inside the emulator (--verbose lists them)."
