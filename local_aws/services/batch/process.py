"""One attempt of a Batch job's container as a local process: started, its output handed on in lines as it
comes, stopped when its time is up or the job is terminated.

A job timeout (Batch user guide, job_timeouts) sends the container SIGTERM once `attemptDurationSeconds` have
passed since the attempt started, then SIGKILL if it is still running 30 seconds later; TerminateJob stops a
running container the same way.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

# SIGTERM first, SIGKILL this long after (AWS Batch: 30 seconds)
KILL_AFTER_S = 30.0
# how often the output is handed on while the process runs
FLUSH_S = 0.5
POLL_S = 0.05
# what a process killed by a signal exits with in a container (128 + the signal number)
SIGNAL_EXIT_BASE = 128


@dataclass(frozen=True)
class OutputLine:
    """One line the container printed, with when it printed it (milliseconds since the epoch)."""

    timestamp_ms: int
    message: str


@dataclass(frozen=True)
class ProcessEnd:
    """How the process ended: its exit code, and whether the timeout or a terminate stopped it."""

    exit_code: int
    timed_out: bool
    stopped: bool


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    timeout_s: float | None,
    on_output: Callable[[list[OutputLine]], None],
    should_stop: Callable[[], bool] = lambda: False,
    kill_after_s: float = KILL_AFTER_S,
) -> ProcessEnd:
    """Run `argv` in a scratch working folder until it exits, its time is up, or `should_stop()`; each
    batch of output lines goes to `on_output` as it comes (stderr merged into stdout: awslogs sends both)."""
    lines: queue.Queue[OutputLine | None] = queue.Queue()
    with tempfile.TemporaryDirectory(prefix="labkit-batch-") as workdir:
        process = subprocess.Popen(
            list(argv),
            cwd=workdir,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        reader = threading.Thread(target=_read, args=(process, lines), daemon=True)
        reader.start()
        started = time.monotonic()
        timed_out = stopped = False
        signalled_at: float | None = None
        last_flush = started
        pending: list[OutputLine] = []
        while process.poll() is None:
            _drain(lines, pending)
            now = time.monotonic()
            if pending and now - last_flush >= FLUSH_S:
                on_output(pending)
                pending, last_flush = [], now
            if signalled_at is None:
                if timeout_s is not None and now - started >= timeout_s:
                    timed_out = True
                elif should_stop():
                    stopped = True
                if timed_out or stopped:
                    _signal(process, signal.SIGTERM)
                    signalled_at = now
            elif now - signalled_at >= kill_after_s:
                _signal(process, signal.SIGKILL)
            time.sleep(POLL_S)
        reader.join(timeout=2.0)
        _drain(lines, pending)
        if pending:
            on_output(pending)
    code = process.returncode
    return ProcessEnd(SIGNAL_EXIT_BASE - code if code < 0 else code, timed_out, stopped)


def _read(process: subprocess.Popen[bytes], lines: queue.Queue[OutputLine | None]) -> None:
    assert process.stdout is not None
    with process.stdout:
        for raw in process.stdout:
            lines.put(OutputLine(_now_ms(), raw.decode("utf-8", errors="replace").rstrip("\r\n")))
    lines.put(None)


def _drain(lines: queue.Queue[OutputLine | None], into: list[OutputLine]) -> None:
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            return
        if line is not None:
            into.append(line)


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
