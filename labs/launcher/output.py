"""Which cdk.out a CLI call synthesizes into: one per owner, so learners sharing a checkout never clash.

The CDK CLI locks its output folder while it synthesizes or deploys ("Another CLI ... is currently synthing
to cdk.out ... use '--output'"): two owners deploying at once from one checkout each get their own folder.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

DEFAULT_OUTPUT = "cdk.out"
# the CLI commands that synthesize the app (and so write and lock the output folder)
SYNTHESIZING = frozenset(
    {"synth", "synthesize", "deploy", "destroy", "diff", "ls", "list", "watch", "import"}
)
_LOCK = re.compile(r"^(?:synth|read\.(\d+)\.\d+)\.lock$")


def _option(args: Sequence[str], *names: str) -> str | None:
    """The value of `--name value` or `--name=value` (the last one given), else None."""
    found = None
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                found = args[index + 1]
            elif arg.startswith(f"{name}="):
                found = arg.removeprefix(f"{name}=")
    return found


def context_values(args: Sequence[str]) -> dict[str, str]:
    """The `-c key=value` / `--context key=value` pairs on the command line."""
    values = {}
    for index, arg in enumerate(args):
        pair = None
        if arg in ("-c", "--context") and index + 1 < len(args):
            pair = args[index + 1]
        elif arg.startswith(("--context=", "-c=")):
            pair = arg.partition("=")[2]
        if pair and "=" in pair:
            key, _, value = pair.partition("=")
            values[key] = value
    return values


def configured_output(cwd: Path, home: Path) -> bool:
    """True when cdk.json or ~/.cdk.json names an output folder: the learner chose it, keep it."""
    for path in (cwd / "cdk.json", home / ".cdk.json"):
        try:
            if "output" in json.loads(path.read_text(encoding="utf-8")):
                return True
        except (OSError, ValueError, TypeError):
            continue
    return False


def command_of(args: Sequence[str]) -> str | None:
    """The CLI command (`deploy`), the first word that is not an option or an option's value."""
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-c", "--context", "-a", "--app", "-o", "--output", "--profile", "-p"):
            skip = True
            continue
        if not arg.startswith("-"):
            return arg
    return None


def assembly_app(args: Sequence[str], *, cwd: Path) -> Path | None:
    """The folder `--app` names when it is a synthesized assembly, else None.

    The CLI reads such a folder under a read lock of its own and leaves the output folder alone
    (aws-cdk's cxapp/exec.js), so another CLI synthesizing into cdk.out does not stand in its way.
    """
    app = _option(args, "--app", "-a")
    if app is None:
        return None
    folder = cwd / Path(app).expanduser()
    return folder if folder.is_dir() else None


def output_folder(args: Sequence[str], *, cwd: Path, environ: Mapping[str, str]) -> str | None:
    """`cdk.out-<owner>` for a synthesizing command with `-c owner=` and no output chosen, else None."""
    if command_of(args) not in SYNTHESIZING or _option(args, "--output", "-o") is not None:
        return None
    if assembly_app(args, cwd=cwd) is not None:  # an assembly folder given as the app is read, not written
        return None
    if configured_output(cwd, Path(environ.get("HOME", str(Path.home())))):
        return None
    owner = context_values(args).get("owner", "").strip()
    return f"{DEFAULT_OUTPUT}-{owner}" if owner and re.fullmatch(r"[a-z0-9-]{1,32}", owner) else None


def live_lock_holder(folder: Path) -> int | None:
    """The PID of another CLI that holds `folder` (synth.lock or a read lock) and still runs, else None."""
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    for name in names:
        match = _LOCK.match(name)
        if not match:
            continue
        try:
            pid = int(match.group(1) or (folder / name).read_text(encoding="utf-8").strip() or 0)
        except (OSError, ValueError):
            continue
        if pid and pid != os.getpid() and process_running(pid):
            return pid
    return None


def process_running(pid: int) -> bool:
    """Is there a process of this id (perhaps another user's)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def busy_message(args: Sequence[str], *, folder: str, holder: int) -> str:
    """One line: who holds the folder and the command that runs beside it."""
    command = " ".join(["cdk", *args, "--output", f"{folder}-2"])
    return (
        f"cdk: another cdk command (PID {holder}) is using {folder}/; wait for it to finish, or run this one "
        f"beside it with an output folder of its own: {command}"
    )
