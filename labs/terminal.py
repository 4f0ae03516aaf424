"""The terminal: the kit's console, a live status line for long waits and a progress bar for many steps
(both only where a terminal shows them)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

# update(status line, seconds waited so far)
ProgressUpdate = Callable[[str, float], None]


# a log or a pipe (CI, `| tee`) gets tables this wide instead of rich's 80 columns, unless COLUMNS says
LOG_WIDTH = 120


def make_console() -> Console:
    """The console every command prints to."""
    # highlight off: ids and numbers in details stay plain; soft_wrap off so long details wrap at words
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = LOG_WIDTH
    return console


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


class Bar:
    """A progress bar on a terminal (silent elsewhere): `total(n)` once known, `advance()` per item."""

    def __init__(self, progress: Progress, description: str) -> None:
        self._progress = progress
        self._task = progress.add_task(description, total=None)

    def total(self, count: int) -> None:
        """Set how many steps the bar counts to."""
        self._progress.update(self._task, total=count)

    def advance(self, *_done: Any) -> None:
        """Count one step done."""
        self._progress.advance(self._task)


@contextmanager
def progress_bar(console: Console, description: str) -> Iterator[Bar]:
    """A progress bar on the console, shown only on a terminal."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    progress = Progress(
        *columns, TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal
    )
    with progress:
        yield Bar(progress, description)
