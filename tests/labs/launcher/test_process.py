"""Whatever stops the launcher stops every process its command started, and their TMPDIR goes with them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from labs.launcher.process import group_alive, run_in_group

# runs the kit's tools in processes of their own: not a unit test
pytestmark = pytest.mark.synth

# a command that starts a grandchild (as the CLI starts app.py and jsii) and leaves a folder in TMPDIR; it
# says it started once the grandchild runs (a signal during a Python's start-up prints a traceback)
_GRANDCHILD = (
    "import signal, sys, time; signal.signal(signal.SIGINT, signal.SIG_DFL); open(sys.argv[1], 'w'); "
    "time.sleep(60)"
)
_FAMILY = textwrap.dedent(
    """
    import os, subprocess, sys, tempfile, time
    tempfile.mkdtemp(prefix="jsii-kernel-")
    ready = sys.argv[1] + ".grandchild"
    child = subprocess.Popen([sys.executable, "-c", GRANDCHILD, ready])
    while not os.path.exists(ready):
        time.sleep(0.02)
    open(sys.argv[1], "w").write(f"{os.environ['TMPDIR']} {child.pid}")
    time.sleep(60)
    """
).replace("GRANDCHILD", repr(_GRANDCHILD))
_LAUNCHER = textwrap.dedent(
    """
    import sys
    from labs.launcher.process import run_in_group
    ended = run_in_group([sys.executable, "-c", sys.argv[1], sys.argv[2]], env={"PATH": "/usr/bin:/bin"},
                         scratch_prefix="labkit-test-")
    print(ended.exit_code, ended.interrupted_by.name if ended.interrupted_by else "-")
    """
)


def _started(report: Path) -> tuple[Path, int]:
    deadline = time.monotonic() + 20
    while not (report.exists() and report.read_text()):
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.05)
    scratch, pid = report.read_text().split()
    return Path(scratch), int(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def test_a_killed_launcher_leaves_no_process_and_no_temporary_folder(tmp_path: Path) -> None:
    report = tmp_path / "started"
    launcher = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, _FAMILY, str(report)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    scratch, grandchild = _started(report)

    launcher.send_signal(signal.SIGTERM)  # what `timeout` does
    printed, _ = launcher.communicate(timeout=20)
    time.sleep(0.2)

    assert printed.split() == ["-15", "SIGTERM"]
    assert not scratch.exists()
    assert not _alive(grandchild)


def test_a_command_that_ends_normally_leaves_nothing_either(tmp_path: Path) -> None:
    ended = run_in_group(
        [sys.executable, "-c", "import os, tempfile; tempfile.mkdtemp(); print(os.getpgrp())"],
        env={"PATH": "/usr/bin:/bin"},
        scratch_prefix="labkit-test-normal-",
    )

    assert ended.exit_code == 0
    assert ended.interrupted_by is None
    assert not any(entry.name.startswith("labkit-test-normal-") for entry in Path("/tmp").iterdir())


def test_a_group_with_no_process_left_is_not_alive() -> None:
    done = subprocess.run([sys.executable, "-c", "pass"], start_new_session=True, check=True)

    assert done.returncode == 0
    assert not group_alive(2**22 + 12345)


def test_ctrl_c_in_a_terminal_stops_the_command_and_is_reported_once(tmp_path: Path) -> None:
    """In a learner's terminal the command stays in the foreground job (its y/n prompts can read), and the
    terminal's Ctrl-C reaches it directly; the launcher still knows it was interrupted."""
    import pty
    import select

    report = tmp_path / "started"
    family = "import signal; signal.signal(signal.SIGINT, signal.SIG_DFL)\n" + _FAMILY
    pid, terminal = pty.fork()
    if pid == 0:  # the child: a shell-less foreground job on the new terminal
        os.execv(sys.executable, [sys.executable, "-c", _LAUNCHER, family, str(report)])
    scratch, grandchild = _started(report)
    os.write(terminal, b"\x03")
    printed = b""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([terminal], [], [], 0.2)
        try:
            chunk = os.read(terminal, 1024) if ready else b""
        except OSError:
            break
        if ready and not chunk:
            break
        printed += chunk
    os.waitpid(pid, 0)
    time.sleep(0.2)

    # the terminal echoes the keystroke as `^C`, right before what the launcher prints
    assert printed.decode().replace("^C", " ").split()[-2:] == ["-2", "SIGINT"]
    assert not scratch.exists()
    assert not _alive(grandchild)
