"""One attempt's container as a local process: its output in lines as it comes, its exit code, and the stop
of a timeout or a terminate (SIGTERM, then SIGKILL after the grace time)."""

from __future__ import annotations

import sys
import time

import pytest

from local_aws.services.batch import process

pytestmark = pytest.mark.unit


def run(code: str, **kw: object) -> tuple[process.ProcessEnd, list[str]]:
    lines: list[str] = []
    ended = process.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin"},
        timeout_s=kw.pop("timeout_s", 10.0),  # type: ignore[arg-type]
        on_output=lambda batch: lines.extend(line.message for line in batch),
        **kw,  # type: ignore[arg-type]
    )
    return ended, lines


def test_the_exit_code_and_every_printed_line_stdout_and_stderr() -> None:
    ended, lines = run("import sys; print('out'); print('err', file=sys.stderr, flush=True); sys.exit(3)")
    assert ended == process.ProcessEnd(exit_code=3, timed_out=False, stopped=False)
    assert sorted(lines) == ["err", "out"]


def test_the_timeout_stops_the_process_with_sigterm() -> None:
    started = time.monotonic()
    ended, lines = run("import time; print('begun', flush=True); time.sleep(30)", timeout_s=0.5)
    assert ended.timed_out
    assert ended.exit_code == 128 + 15
    assert lines == ["begun"]
    assert time.monotonic() - started < 5


def test_a_process_that_ignores_sigterm_is_killed_after_the_grace_time() -> None:
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('x', flush=True); "
        "time.sleep(30)"
    )
    ended, _ = run(code, timeout_s=0.3, kill_after_s=0.3)
    assert ended.timed_out
    assert ended.exit_code == 128 + 9


def test_a_terminate_stops_a_running_process() -> None:
    asked = time.monotonic() + 0.3
    ended, _ = run("import time; time.sleep(30)", should_stop=lambda: time.monotonic() > asked)
    assert ended.stopped
    assert not ended.timed_out


def test_output_is_handed_on_while_the_process_runs() -> None:
    seen_at: list[float] = []
    started = time.monotonic()
    process.run(
        [sys.executable, "-c", "import time; print('early', flush=True); time.sleep(1.5)"],
        env={"PATH": "/usr/bin:/bin"},
        timeout_s=10.0,
        on_output=lambda batch: seen_at.append(time.monotonic() - started),
    )
    assert seen_at
    assert seen_at[0] < 1.4
