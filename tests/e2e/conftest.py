"""A learner's terminal on the kit's emulator, as the README's flow runs it, and proof nothing is left behind.

One `labkit emulator` per module (its exports sourced from the .labkit/emulator.env-style file it writes);
every command runs in bash from the checkout with a TMPDIR of its own and a marker in its environment, so a
case can assert that no temporary entry and no process of its commands outlives it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from labs.emulator.env_file import ENV_FILE_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
ACCOUNT = "123456789012"
CONTEXT = f"-c sandboxAccounts={ACCOUNT}"
MARKER = "LABKIT_E2E_CASE"
_OUTPUT = re.compile(r"^(?:[\w-]+-)?(Lab\w+)\.(\w+) = (.*)$")


@dataclass
class Terminal:
    """bash with the emulator's exports sourced, in the checkout, as a learner types the README's commands."""

    env_file: Path
    environment: dict[str, str]
    scratch: Path
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    # typed before every command, after the emulator's exports (`export AWS_REGION=...`)
    setup: str = ""

    def env(self, **extra: str) -> dict[str, str]:
        return {**self.environment, "TMPDIR": str(self.scratch), MARKER: self.marker, **extra}

    def run(self, command: str, *, timeout_s: float = 300, check: bool = True, **extra: str) -> Done:
        started = time.monotonic()
        done = subprocess.run(
            ["bash", "-c", f"source {self.env_file}; {self.setup}{command}"],
            cwd=ROOT,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        result = Done(command, done.returncode, done.stdout + done.stderr)
        print(f"{time.monotonic() - started:6.1f} s  {command}")  # shown for a failed case: where time went
        if check:
            assert done.returncode == 0, f"`{command}` failed ({done.returncode}):\n{result.printed}"
        return result

    def start(self, command: str, **extra: str) -> Running:
        """A command in a process group of its own, its output collected as it comes."""
        process = subprocess.Popen(
            ["bash", "-c", f"source {self.env_file}; {self.setup}{command}"],
            cwd=ROOT,
            env=self.env(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        return Running(command, process)

    def deploy(self, lab: str, *context: str, **extra: str) -> dict[str, str]:
        """`cdk deploy LAB` with the README's flags; the outputs it printed, by name."""
        flags = " ".join(context)
        done = self.run(f"cdk deploy {lab} {CONTEXT} {flags} --require-approval never", **extra)
        return outputs_of(done.printed, lab)

    def leftovers_of(self, lab: str, owner: str | None = None, **extra: str) -> str:
        scope = f" --owner {owner}" if owner else ""
        return self.run(f"labkit leftovers {lab}{scope}", check=False, **extra).printed

    def assert_nothing_left(self, lab: str, owner: str | None = None, **extra: str) -> None:
        """No process of this terminal's commands, no entry in its TMPDIR, no leftover of the lab."""
        deadline = time.monotonic() + 10
        while marked_processes(self.marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marked_processes(self.marker) == []
        assert sorted(p.name for p in self.scratch.iterdir()) == []
        scanned = self.leftovers_of(lab, owner, **extra)
        assert "Nothing left behind by" in scanned, scanned


@dataclass(frozen=True)
class Done:
    command: str
    returncode: int
    printed: str


@dataclass
class Running:
    command: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.lines.append(line)

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()

    def wait_for(self, seen: Callable[[str], bool], within_s: float = 120) -> None:
        deadline = time.monotonic() + within_s
        while not any(seen(line) for line in list(self.lines)):
            assert self.process.poll() is None, f"`{self.command}` ended first:\n{''.join(self.lines)}"
            assert time.monotonic() < deadline, f"never printed it:\n{''.join(self.lines)}"
            time.sleep(0.1)

    def interrupt(self) -> Done:
        """Ctrl-C to the command's process group, as a terminal sends it."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.finish()

    def finish(self, timeout_s: float = 300) -> Done:
        try:
            self.process.wait(timeout=timeout_s)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.reader.join(timeout=10)
        return Done(self.command, self.process.returncode, "".join(self.lines))


def outputs_of(printed: str, lab: str) -> dict[str, str]:
    found = {}
    for line in printed.splitlines():
        match = _OUTPUT.match(line.strip())
        if match and match.group(1) == lab:
            found[match.group(2)] = match.group(3)
    return found


def marked_processes(marker: str) -> list[str]:
    """Command lines of the live processes whose environment carries this terminal's marker."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (
                needle in (entry / "environ").read_bytes()
                and "Z" not in (entry / "stat").read_text().split()[2]
            ):
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`labkit emulator` running; the file of exports it wrote, to `source` as the README says."""
    env_file = tmp_path_factory.mktemp("labkit") / "emulator.env"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    process = subprocess.Popen(
        [str(BIN / "labkit"), "emulator", "--env-file", str(env_file)],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip().startswith("export LABKIT_EMULATOR="):
            break
    try:
        yield env_file
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()


def new_terminal(env_file: Path, tmp_path: Path, *, own_output: bool = True) -> Terminal:
    """A learner's shell; `own_output`: its CLI writes to a cdk.out of its own (cases run side by side)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_", "LABKIT_"))}
    # pytest-xdist's workers set COLUMNS=80 and LINES=24; a learner's log has neither: the kit's width applies
    for size in ("COLUMNS", "LINES"):
        environment.pop(size, None)
    environment["PATH"] = f"{BIN}{os.pathsep}{environment['PATH']}"
    home = tmp_path / "home"
    home.mkdir()
    if own_output:
        (home / ".cdk.json").write_text(json.dumps({"output": str(tmp_path / "cdk.out")}))
    environment["HOME"] = str(home)
    environment[ENV_FILE_VARIABLE] = str(env_file)  # the kit's hints read this emulator's file, no other
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    return Terminal(env_file=env_file, environment=environment, scratch=scratch)


@pytest.fixture(scope="module")
def bootstrapped(emulator: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The emulator's account bootstrapped once, as the README's first step."""
    shell = new_terminal(emulator, tmp_path_factory.mktemp("bootstrap"))
    shell.run(f"cdk bootstrap aws://{ACCOUNT}/us-east-1")
    return emulator


@pytest.fixture
def terminal(bootstrapped: Path, tmp_path: Path) -> Terminal:
    return new_terminal(bootstrapped, tmp_path)
