"""The terminal: the kit's console, and a live status line for long waits (only where a terminal shows it)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
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
