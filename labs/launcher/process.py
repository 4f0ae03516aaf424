"""Run one command in a process group of its own, and leave nothing of it behind however it ends."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import FrameType

# what a terminal, `timeout` or `kill` sends; each is passed on to the whole group
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# how long the group has to exit after the command ended or was stopped, before SIGKILL
GRACE_S = 3.0
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, kw_only=True)
class Ended:
    """How the command ended: its exit code, and the signal that stopped it (from us or the terminal)."""

    exit_code: int
    interrupted_by: signal.Signals | None = None


def _owns_terminal() -> bool:
    """True when this process is the terminal's foreground job (a learner's shell, not a script)."""
    try:
        return os.isatty(0) and os.tcgetpgrp(0) == os.getpgrp()
    except OSError:
        return False


def _child_setup(*, own_group: bool) -> None:
    if own_group:
        os.setpgid(0, 0)
    if sys.platform.startswith("linux"):  # the CLI goes too when this launcher is killed outright
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def group_alive(group: int) -> bool:
    """True while any process of the group is left."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(group: int, *, grace_s: float = GRACE_S) -> None:
    """SIGTERM the group's processes that are left, then SIGKILL whatever outlives `grace_s`."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


def run_in_group(command: Sequence[str], *, env: Mapping[str, str], scratch_prefix: str) -> Ended:
    """Run `command` with a private TMPDIR; whatever stops it stops all it started, and TMPDIR goes.

    In a learner's terminal the command stays in the foreground job, where Ctrl-C reaches every process and
    the CLI's y/n prompts can read; run by a script or `timeout`, it gets a process group of its own, to
    which the signals this launcher receives are passed on.
    """
    own_group = not _owns_terminal()
    received: list[signal.Signals] = []
    with tempfile.TemporaryDirectory(prefix=scratch_prefix) as scratch:
        process = subprocess.Popen(
            list(command),
            env={**env, "TMPDIR": scratch},
            preexec_fn=lambda: _child_setup(own_group=own_group),  # noqa: PLW1509 - no threads yet
        )

        def forward(number: int, _frame: FrameType | None) -> None:
            received.append(signal.Signals(number))
            with contextlib.suppress(ProcessLookupError):
                if own_group:
                    os.killpg(process.pid, number)
                elif number != signal.SIGINT:  # the terminal sent Ctrl-C to every process of the job already
                    os.kill(process.pid, number)

        previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
        try:
            exit_code = process.wait()
        finally:
            if own_group:
                stop_group(process.pid, grace_s=GRACE_S if received or process.returncode else 0.5)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    stopped = signal.Signals(-exit_code) if exit_code < 0 else None
    if received:
        stopped = received[0]
    elif exit_code in (128 + signal.SIGINT, 128 + signal.SIGTERM):
        stopped = signal.Signals(exit_code - 128)
    return Ended(exit_code=exit_code, interrupted_by=stopped)
