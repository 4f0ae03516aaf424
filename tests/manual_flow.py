"""The manual flow's helpers: `labkit emulator` in one shell, a learner's bash shell with its exports.

The labs' manual-flow tests (tests/labs/emulator/test_manual_flow.py, tests/labs/coldstart/) type the
README's commands into that shell: bootstrap, deploy, the outputs the deploy printed, `labkit check`,
destroy and a clean leftover scan, through the real, pinned CDK CLI and the kit's `aws` and `labkit`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
CONTEXT = "-c sandboxAccounts=123456789012"
_OUTPUT = re.compile(r"^(Lab\w+)\.(\w+) = (.*)$")


@dataclass
class Shell:
    """A bash shell with the emulator's exports, from which the learner types the README's commands."""

    environment: dict[str, str]

    def run(
        self, command: str, *, timeout_s: float = 240, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if check:
            assert done.returncode == 0, (
                f"`{command}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return done

    def run_for(self, command: str, seconds: float) -> str:
        """What a command that runs until Ctrl-C (--follow, a watch loop) printed in its first seconds."""
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        time.sleep(seconds)
        os.killpg(process.pid, signal.SIGINT)
        try:
            printed, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            printed, _ = process.communicate()
        return printed


@pytest.fixture
def shell(tmp_path: Path, ctrl_c_reaches_children: None) -> Iterator[Shell]:
    """`labkit emulator` running, and a shell with the lines it printed to paste (and the venv's PATH)."""
    env_file = tmp_path / "emulator.env"
    emulator = subprocess.Popen(
        [str(BIN / "labkit"), "emulator", "--env-file", str(env_file)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert emulator.stdout is not None
    exports = []
    for line in emulator.stdout:
        if line.strip().startswith(("export ", "unset ")):
            exports.append(line.strip())
        if line.strip().startswith("export LABKIT_EMULATOR="):
            break
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    environment["PATH"] = f"{BIN}{os.pathsep}{environment['PATH']}"
    # the tests run side by side in the project folder, where one CLI at a time may use cdk.out: each
    # learner's CLI gets its own output folder from a ~/.cdk.json of its own (the commands stay verbatim)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".cdk.json").write_text(json.dumps({"output": str(tmp_path / "cdk.out")}))
    environment["HOME"] = str(home)
    for line in exports:
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            environment[name] = shlex.split(value)[0]
    try:
        yield Shell(environment)
    finally:
        emulator.send_signal(signal.SIGINT)
        emulator.communicate(timeout=15)


def deploy(shell: Shell, lab: str) -> dict[str, str]:
    """`cdk bootstrap` then `cdk deploy LAB`, as the README says; the outputs the deploy printed, by name."""
    shell.run("cdk bootstrap aws://123456789012/us-east-1")
    deployed = shell.run(f"cdk deploy {lab} {CONTEXT} --require-approval never")
    printed = deployed.stdout + deployed.stderr  # the CLI prints its outputs on stderr
    outputs = {}
    for line in printed.splitlines():
        match = _OUTPUT.match(line.strip())
        if match and match.group(1) == lab:
            outputs[match.group(2)] = match.group(3)
    return outputs


def check_destroy_and_scan(shell: Shell, lab: str) -> None:
    checked = shell.run(f"labkit check {lab}", check=False)
    assert checked.returncode == 0, checked.stdout
    assert "PASSED" in checked.stdout
    shell.run(f"cdk destroy {lab} --force {CONTEXT}")
    scanned = shell.run(f"labkit leftovers {lab}", check=False)
    assert scanned.returncode == 0, scanned.stdout
    assert f"Nothing left behind by {lab}" in scanned.stdout


def eventually(probe: callable, within_s: float = 60.0) -> str:  # type: ignore[valid-type]
    deadline = time.monotonic() + within_s
    while True:
        text: str = probe()
        if text or time.monotonic() > deadline:
            return text
        time.sleep(1)
