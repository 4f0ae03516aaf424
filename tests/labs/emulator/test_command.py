"""`labkit emulator`: the banner's exports reach a running emulator, and Ctrl-C stops it with exit code 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from labs.emulator.env_file import DEFAULT_ENV_FILE, env_file_path
from tests.local_aws import answers, aws_endpoint

ROOT = Path(__file__).resolve().parents[3]


def test_labkit_emulator_fits_a_screen_ends_with_exports_that_work_and_stops_on_ctrl_c(
    ctrl_c_reaches_children: None,
) -> None:
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
        printed.append(line.rstrip("\n"))
        if line.strip().startswith("export LABKIT_EMULATOR="):
            break
    endpoint = aws_endpoint("\n".join(line.strip() for line in printed))
    was_answering = answers(endpoint)
    env_file = env_file_path()  # the tests' own (tests/conftest.py), never the checkout's .labkit/
    sourced = env_file.read_text() if env_file.is_file() else ""
    mode = env_file.stat().st_mode & 0o777 if env_file.is_file() else 0
    command.send_signal(signal.SIGINT)
    try:
        rest, _ = command.communicate(timeout=15)
    finally:  # a command that did not stop is not left running with its emulator
        if command.poll() is None:
            os.killpg(command.pid, signal.SIGTERM)

    assert was_answering
    assert len(printed) <= 25  # one screen: the parity fixes are behind --verbose
    assert not any("parity fixes applied inside" in line for line in printed)
    assert any("cdk deploy LabDdbStream" in line for line in printed)
    assert printed[-1].strip() == "export LABKIT_EMULATOR=1"  # the lines to paste come last
    assert f"export AWS_ENDPOINT_URL={endpoint}" in sourced
    assert mode == 0o600  # it carries the run's secret
    assert env_file != DEFAULT_ENV_FILE
    assert command.returncode == 0
    assert "emulator stopped" in rest
    assert not answers(endpoint)
    assert not env_file.exists()  # a stale endpoint is never left to source
