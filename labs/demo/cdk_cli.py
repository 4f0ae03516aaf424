"""Run the kit's pinned CDK CLI (package.json), never whatever `cdk` the machine has on its PATH."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `make setup` installs scripts/cdk here: it runs node_modules/.bin/cdk with the venv's Node 24
VENV_CDK = ROOT / ".venv" / "bin" / "cdk"
NODE_MODULES_CDK = ROOT / "node_modules" / ".bin" / "cdk"
DEFAULT_TIMEOUT_S = 600.0
ERROR_LINES = 25
# flags every call gets: no update notices or colour codes in output a report may quote
QUIET_FLAGS = ("--no-notices", "--no-color")


class CdkCliError(RuntimeError):
    """A CDK CLI call failed; the message holds the command and the last lines it printed."""

    def __init__(self, message: str, *, output: str = "") -> None:
        super().__init__(message)
        self.output = output


def cdk_executable() -> tuple[Path, dict[str, str]]:
    """The pinned CLI and what its environment needs (the venv's `node` first on PATH)."""
    if VENV_CDK.exists():
        return VENV_CDK, {}
    if NODE_MODULES_CDK.exists():
        return NODE_MODULES_CDK, {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    raise CdkCliError(
        f"the pinned CDK CLI is not installed ({NODE_MODULES_CDK} is missing): run `make setup`"
    )


def _tail(text: str, lines: int = ERROR_LINES) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def run_cdk(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path = ROOT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> subprocess.CompletedProcess[str]:
    """Run `cdk <args>` with exactly `env` (plus the pinned Node); raise CdkCliError unless it succeeds."""
    executable, extra_env = cdk_executable()
    command = [str(executable), *args, *QUIET_FLAGS]
    shown = " ".join(["cdk", *args])
    # the CLI's and jsii's temporary files go here, removed even when the CLI had to be killed
    with tempfile.TemporaryDirectory(prefix="labkit-cdk-") as scratch:
        return _run(
            command,
            shown,
            env={**env, **extra_env, "FORCE_COLOR": "0", "TMPDIR": scratch},
            cwd=cwd,
            timeout_s=timeout_s,
        )


def _run(
    command: list[str], shown: str, *, env: Mapping[str, str], cwd: Path, timeout_s: float
) -> subprocess.CompletedProcess[str]:
    # own process group: on timeout the CLI and the app it spawned (python app.py) are stopped together
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise CdkCliError(
            f"`{shown}` did not finish in {timeout_s:.0f} s:\n{_tail(output)}", output=output
        ) from None
    except BaseException:  # Ctrl-C or any error here: never leave a CLI running on its own
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    if process.returncode != 0:
        raise CdkCliError(f"`{shown}` failed (exit {process.returncode}):\n{_tail(output)}", output=output)
    return subprocess.CompletedProcess(command, process.returncode, output, "")
