"""The file of exports `labkit emulator` writes for other shells, and what a shell that lacks them needs.

- `.labkit/emulator.env` (or LABKIT_EMULATOR_ENV_FILE; tests point it at a folder of their own) holds the
  exports to `source`, readable by its owner only (it carries the run's secret), and the emulator's pid in
  a comment: `live_emulator` tells a running emulator (pid alive, port answering) from a stale file;
- `shell_problem`: the one line a command says instead of "configure AWS credentials" (or a 63 s wait on a
  refused connection) when this shell is not pointed at a running emulator but one runs or ran here.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from labs.launcher.output import process_running

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ENV_FILE = ROOT / ".labkit" / "emulator.env"
# another file for the exports (tests keep the checkout's .labkit/ untouched with it)
ENV_FILE_VARIABLE = "LABKIT_EMULATOR_ENV_FILE"
_PID_COMMENT = "# labkit emulator pid "
_PROBE_S = 0.5
# what tells the SDKs and CLIs a credential, besides AWS_ACCESS_KEY_ID
_CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)


def env_file_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the exports are written and read: LABKIT_EMULATOR_ENV_FILE, else the checkout's .labkit/."""
    chosen = (os.environ if environ is None else environ).get(ENV_FILE_VARIABLE, "")
    return Path(chosen) if chosen else DEFAULT_ENV_FILE


def shown(path: Path) -> str:
    """The path as a learner types it: relative to the current folder when inside it."""
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    return str(path)


@dataclass(frozen=True)
class EmulatorRecord:
    """What an exports file says about the emulator that wrote it."""

    path: Path
    pid: int
    exports: dict[str, str]

    @property
    def endpoint(self) -> str:
        return self.exports.get("AWS_ENDPOINT_URL", "")


def write_exports(path: Path, lines: list[str], *, pid: int) -> Path | None:
    """The exports as a file to `source`, readable by its owner only; None when it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write("\n".join([f"{_PID_COMMENT}{pid}", *lines]) + "\n")
        path.chmod(0o600)  # an older file kept its mode through O_TRUNC
    except OSError:
        return None
    return path


def read_record(path: Path) -> EmulatorRecord | None:
    """The record in an exports file, or None when there is none (or it is not the kit's)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    pid, exports = 0, {}
    for line in text.splitlines():
        if line.startswith(_PID_COMMENT) and line.removeprefix(_PID_COMMENT).strip().isdigit():
            pid = int(line.removeprefix(_PID_COMMENT))
        elif line.startswith("export ") and "=" in line:
            name, _, value = line.removeprefix("export ").partition("=")
            with contextlib.suppress(ValueError):
                exports[name.strip()] = " ".join(shlex.split(value))
    return EmulatorRecord(path, pid, exports) if exports else None


def answers(endpoint: str) -> bool:
    """Does something listen on the endpoint's host and port (a refused connection answers at once)?"""
    parsed = urlparse(endpoint)
    if not parsed.hostname or not parsed.port:
        return False
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=_PROBE_S):
            return True
    except OSError:
        return False


def live_emulator(path: Path) -> EmulatorRecord | None:
    """The emulator an exports file names, when it still runs and answers; None for a stale or no file."""
    record = read_record(path)
    if record is None or record.pid <= 0 or not process_running(record.pid) or not answers(record.endpoint):
        return None
    return record


def remove_if_ours(path: Path, pid: int) -> None:
    """Remove the exports file when it is still the one this emulator wrote (never another's)."""
    record = read_record(path)
    if record is not None and record.pid == pid:
        with contextlib.suppress(OSError):
            path.unlink()


def _loopback(endpoint: str) -> bool:
    host = urlparse(endpoint).hostname or ""
    return host in {"localhost", "::1"} or host.startswith("127.")


def _has_credentials(environ: Mapping[str, str]) -> bool:
    if any(environ.get(name) for name in _CREDENTIAL_VARIABLES):
        return True
    home = Path(environ.get("HOME", str(Path.home())))
    files = (
        environ.get("AWS_SHARED_CREDENTIALS_FILE") or str(home / ".aws" / "credentials"),
        environ.get("AWS_CONFIG_FILE") or str(home / ".aws" / "config"),
    )
    return any(name != os.devnull and Path(name).is_file() for name in files)


def _taken(environ: Mapping[str, str], endpoint: str) -> bool:
    """Whether the emulator takes the shell's credentials (one STS call, only for a key not the run's)."""
    from local_aws.client import accepts_keys

    return accepts_keys(
        endpoint,
        environ.get("AWS_ACCESS_KEY_ID", ""),
        environ.get("AWS_SECRET_ACCESS_KEY", ""),
        environ.get("AWS_SESSION_TOKEN", ""),
    )


def _endpoint_problem(
    environ: Mapping[str, str], endpoint: str, live: EmulatorRecord | None, source: str
) -> str:
    """What is wrong with a shell pointed at the emulator on this loopback endpoint ("" when nothing is)."""
    if answers(endpoint):
        key = environ.get("AWS_ACCESS_KEY_ID", "")
        if (
            live is not None
            and live.endpoint == endpoint
            and key != live.exports.get("AWS_ACCESS_KEY_ID", key)
            # another key may be one the emulator issued (a learner account's AssumeRole session): it says
            and not _taken(environ, endpoint)
        ):
            return f"this shell's exports are from an earlier run of the emulator on {endpoint}: {source}"
        return ""
    if live is not None:
        return (
            f"this shell points at {endpoint}, which does not answer; the running emulator is on "
            f"{live.endpoint}: {source}"
        )
    return (
        f"the emulator this shell points at ({endpoint}) does not answer: start `labkit emulator` in "
        f"another shell, then {source} here"
    )


def shell_problem(environ: Mapping[str, str], path: Path | None = None) -> str | None:
    """One line saying what this shell needs to reach the emulator, or None when nothing is wrong with it.

    Pointed at a loopback endpoint that does not answer (a stopped emulator, exports of an earlier run), or
    with no credentials at all while an emulator's exports file exists: the way to the running emulator (or
    to starting one). A shell with credentials and no emulator endpoint means AWS: nothing is said.
    """
    path = path or env_file_path(environ)
    source = f"source {shown(path)}"
    endpoint = environ.get("AWS_ENDPOINT_URL", "")
    live = live_emulator(path)
    if endpoint and _loopback(endpoint):
        return _endpoint_problem(environ, endpoint, live, source) or None
    if endpoint or _has_credentials(environ):
        return None
    if live is not None:
        return f"this shell has no AWS credentials, but an emulator runs on {live.endpoint}: {source}"
    if path.is_file():
        return (
            f"this shell has no AWS credentials, and the emulator that wrote {shown(path)} no longer runs: "
            f"start `labkit emulator` in another shell, then {source} here"
        )
    return None
