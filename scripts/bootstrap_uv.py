"""Install one pinned uv from PyPI into a folder of the project, with nothing on the machine but python3.

`python3 scripts/bootstrap_uv.py 0.13.8 .tools/uv-0.13.8` leaves the binary at .tools/uv-0.13.8/bin/uv.
It runs pip, so the machine's pip configuration (index, certificates, proxy) applies; nothing is installed
globally. A python3 without a pip module (Debian's, for one) gets pip the standard way first: a throwaway
`python3 -m venv`, which costs about 5 s more.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _pip(work: Path) -> list[str]:
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    venv = work / "pip-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return [str(venv / "bin" / "python"), "-m", "pip"]


def bootstrap(version: str, target: Path) -> None:
    if (target / "bin" / "uv").is_file():
        return
    start = time.perf_counter()
    print(f"bootstrap: uv {version} from PyPI into {target}/", flush=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_ROOT_USER_ACTION": "ignore"}
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".bootstrap-") as work:
        staged = Path(work) / "uv"
        # -qq: the machine's pip.conf may name local indexes that lack uv; pip warns about each one
        install = [
            "install",
            "-qq",
            "--no-deps",
            "--no-compile",
            "--only-binary=:all:",
            "--target",
            str(staged),
        ]
        subprocess.run([*_pip(Path(work)), *install, f"uv=={version}"], check=True, env=env)
        # a run stopped half-way leaves no uv that looks installed
        os.replace(staged, target)
    for old in target.parent.glob("uv-*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    print(f"bootstrap: uv {version} ready in {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[1]:
        sys.exit("usage: bootstrap_uv.py VERSION TARGET_DIR (VERSION is [tool.uv] required-version)")
    bootstrap(sys.argv[1], Path(sys.argv[2]))
