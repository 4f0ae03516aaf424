"""`make setup` in throwaway clones of this checkout's HEAD: cold caches, warm caches, and a second run.

A clone has only what git tracks; its caches (uv's, npm's, and pip's for the uv bootstrap) start empty in a
temporary folder, so the cold figure includes every download. The synth figure runs `python app.py` in the
clone's new venv against this checkout's venv: bytecode written at set-up should make them equal.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Row, median_seconds, run_python
from bench.synth import _cdk_env

COLD_GOAL_SECONDS = 20.0
SILENCE_GOAL_SECONDS = 5.0
NOTHING_TO_DO_GOAL_SECONDS = 1.0
SYNTH_RATIO_GOAL = 1.1


def cold_env(caches: Path) -> dict[str, str]:
    # the make that runs `make bench` passes its jobserver and flags down; these makes start afresh
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    venv = str(Path(env.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv)
    env.pop("VIRTUAL_ENV", None)
    return {
        **env,
        "UV_CACHE_DIR": str(caches / "uv"),
        "npm_config_cache": str(caches / "npm"),
        "PIP_CACHE_DIR": str(caches / "pip"),
    }


def timed_make(target: str, clone: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time of `make <target>` in `clone` and the longest wait between two pieces of its output."""
    start = last = time.perf_counter()
    silence = 0.0
    with subprocess.Popen(
        ["make", target], cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as make:
        stream = make.stdout
        assert stream is not None
        output = []
        for chunk in iter(lambda: stream.read(1), ""):  # pytest's dots come without a newline
            now = time.perf_counter()
            silence, last = max(silence, now - last), now
            output.append(chunk)
    if make.returncode != 0:
        raise RuntimeError(
            f"make {target} failed in {clone}, so its time is no figure:\n{''.join(output)[-3000:]}"
        )
    end = time.perf_counter()
    return end - start, max(silence, end - last)


def clone_head(into: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(into)], check=True)
    return into


def measure() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="labkit-bench-setup-") as folder:
        work = Path(folder)
        env = cold_env(work / "caches")
        cold, silence = timed_make("setup", clone_head(work / "cold"), env)
        warm, _ = timed_make("setup", clone_head(work / "warm"), env)
        again, _ = timed_make("setup", work / "warm", env)
        clone = work / "warm"
        with tempfile.TemporaryDirectory() as here_out, tempfile.TemporaryDirectory() as clone_out:
            clone_env = {**_cdk_env(clone_out), "PATH": f"{clone / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"}
            synth = [str(clone / ".venv" / "bin" / "python"), "app.py"]
            here_env = {
                **_cdk_env(here_out),
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
            }
            here = median_seconds(lambda: run_python(["app.py"], env=here_env), repeat=3)
            fresh = median_seconds(
                lambda: subprocess.run(synth, cwd=clone, env=clone_env, check=True, capture_output=True),
                repeat=3,
            )
    ratio = fresh / here
    return [
        Row(
            "set-up: make setup, fresh clone, cold caches",
            cold,
            "s",
            f"<= {COLD_GOAL_SECONDS:g} s",
            cold <= COLD_GOAL_SECONDS,
        ),
        Row(
            "set-up: longest wait for a line of output, cold",
            silence,
            "s",
            f"<= {SILENCE_GOAL_SECONDS:g} s",
            silence <= SILENCE_GOAL_SECONDS,
        ),
        Row("set-up: make setup, fresh clone, warm caches", warm, "s"),
        Row(
            "set-up: second make setup (nothing to do)",
            again,
            "s",
            f"< {NOTHING_TO_DO_GOAL_SECONDS:g} s",
            again < NOTHING_TO_DO_GOAL_SECONDS,
        ),
        Row("set-up: synth in the fresh venv (python app.py)", fresh, "s"),
        Row(
            "set-up: synth, fresh venv / this checkout's venv",
            ratio,
            "x",
            f"<= {SYNTH_RATIO_GOAL:g}x",
            ratio <= SYNTH_RATIO_GOAL,
        ),
    ]
