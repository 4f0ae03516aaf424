"""Leftovers as a table, or one reassuring line when there are none."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from labs.leftovers.account import AccountNote
from labs.leftovers.model import Leftover


def leftovers_table(leftovers: Sequence[Leftover], title: str) -> Table:
    """The table of leftovers for the console."""
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("Type", no_wrap=True)
    table.add_column("Identifier", overflow="fold")
    table.add_column("Why it counts")
    for leftover in leftovers:
        table.add_row(leftover.resource_type, leftover.identifier, leftover.reason)
    return table


def print_leftovers(
    leftovers: Sequence[Leftover],
    scope: str,
    console: Console,
    notes: Sequence[AccountNote] = (),
    region: str | None = None,
) -> None:
    """The region scanned, the known account-level notes, then the verdict: a table or one reassuring line."""
    if region:
        console.print(f"Scanned region {region} (another region: AWS_REGION=... labkit leftovers).")
    for note in notes:
        console.print(
            Text.assemble(("ℹ ", "cyan"), f"Known, not a leftover: {note.resource_type} {note.identifier}, ")
            + Text(note.note)
        )
    if not leftovers:
        console.print(Text.assemble(("✔ ", "green"), f"Nothing left behind by {scope}."))
        return
    console.print(leftovers_table(leftovers, f"✘ {len(leftovers)} leftover(s) of {scope}"))
