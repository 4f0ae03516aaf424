"""Waiting for what AWS does in its own time (a boot, a replacement, a delivery), with a time limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from labs.terminal import ProgressUpdate, wait_progress

DEFAULT_TIMEOUT_S = 120.0
# a real replacement or Lambda delivery takes seconds to minutes; the emulator answers at once
REAL_POLL_S = 5.0
EMULATOR_POLL_S = 0.5

T = TypeVar("T")
Probe = Callable[[], tuple[T | None, str]]
ProgressFactory = Callable[[str, float], AbstractContextManager[ProgressUpdate]]


@dataclass(frozen=True)
class Waited(Generic[T]):
    """What a wait ended with: the value (None on timeout), the last status seen and the time it took."""

    value: T | None
    status: str
    elapsed_s: float


@dataclass
class Waiter:
    """Polls a probe until it returns a value or the time limit is over, showing its status meanwhile."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    poll_s: float = REAL_POLL_S
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    progress: ProgressFactory = field(default=wait_progress)

    @classmethod
    def for_run(cls, *, on_emulator: bool, timeout_s: float = DEFAULT_TIMEOUT_S) -> Waiter:
        """A waiter that polls fast on the emulator and gently on AWS."""
        return cls(timeout_s=timeout_s, poll_s=EMULATOR_POLL_S if on_emulator else REAL_POLL_S)

    def until(self, probe: Probe[T], *, what: str) -> Waited[T]:
        """Poll the probe until it is done or the time is up, showing progress."""
        start = self.clock()
        with self.progress(what, self.timeout_s) as show:
            while True:
                value, status = probe()
                elapsed = self.clock() - start
                show(status, elapsed)
                if value is not None or elapsed >= self.timeout_s:
                    return Waited(value, status, elapsed)
                self.sleep(max(0.0, min(self.poll_s, self.timeout_s - elapsed)))
