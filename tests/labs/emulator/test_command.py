"""`labkit emulator`: the banner's exports reach a running emulator, and Ctrl-C stops it with exit code 0."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.labs.emulator import answers, aws_endpoint

ROOT = Path(__file__).resolve().parents[3]


def test_labkit_emulator_prints_exports_that_work_and_stops_on_ctrl_c() -> None:
    command = subprocess.Popen(
        [sys.executable, "-m", "labs.cli", "emulator"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert command.stdout is not None
    printed = []
    for line in command.stdout:
        printed.append(line)
        if line.startswith("Ctrl-C stops the emulator"):
            break
    endpoint = aws_endpoint("\n".join(line.strip() for line in printed))
    was_answering = answers(endpoint)
    command.send_signal(signal.SIGINT)
    rest, _ = command.communicate(timeout=15)

    assert was_answering
    assert any("cdk deploy LabEc2" in line for line in printed)
    assert command.returncode == 0
    assert "emulator stopped" in rest
    assert not answers(endpoint)
