"""Make the venv keep bytecode, and compile what a synth imports, at set-up.

With PYTHONDONTWRITEBYTECODE=1 (these kit machines set it), Python never caches compiled modules: every synth
would compile the fifth of aws-cdk-lib's 180 MB of source that it imports (twice as slow), every test process
moto and boto3. `precompile.py synth`, run by `make setup` with the venv's Python:

1. puts `bytecode/_labkit_bytecode.py` into the venv's site-packages with a one-line .pth file
   that imports it at each start: from then on the venv's Python compiles a module once, the first time
   anything imports it, into .venv/pycache, and never into the checkout;
2. compiles, on every core, the aws-cdk-lib modules the kit's code can reach: the list pyproject.toml gives
   mypy (scripts/mypy_modules.py keeps it exact), a superset of what a synth imports, lazily or not;
3. runs one synth of app.py, which compiles the rest of what it imports (the standard library, jsii, the
   labs). The rest of site-packages (6,500 files, 12 s of two cores) is compiled when first imported, if ever.
"""

from __future__ import annotations

import compileall
import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from mypy_modules import listed

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(sysconfig.get_paths()["purelib"])
PYPROJECT = ROOT / "pyproject.toml"
HOOK = Path(__file__).resolve().parent / "bytecode" / "_labkit_bytecode.py"
PTH_NAME = "labkit-bytecode.pth"
CDK = "aws_cdk"
PROGRESS_SECONDS = 2.0


def _say(message: str) -> None:
    print(f"precompile: {message}", flush=True)


def install_hook(site: Path = SITE) -> None:
    """Put the bytecode module and the .pth file that imports it at each start into `site`."""
    shutil.copy2(HOOK, site / HOOK.name)
    (site / PTH_NAME).write_text(f"import {HOOK.stem}\n", encoding="utf-8")


def _compile(path: Path) -> bool:
    return bool(compileall.compile_file(path, quiet=2))


def compile_cdk_modules() -> None:
    """Compile the aws-cdk-lib modules the kit's code can reach, on every core, largest first."""
    start = time.perf_counter()
    importlib.import_module(HOOK.stem)  # this process now caches where every later one will look
    files = [_source(module) for module in listed(PYPROJECT.read_text(encoding="utf-8"))]
    files = sorted((f for f in files if f.is_file()), key=lambda f: f.stat().st_size, reverse=True)
    _say(f"{len(files)} aws-cdk-lib modules the kit's code can reach (pyproject.toml's mypy list)")
    done, last = 0, start
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        for _ in pool.map(_compile, files):
            done += 1
            if time.perf_counter() - last >= PROGRESS_SECONDS:
                last = time.perf_counter()
                _say(f"{done}/{len(files)} modules, {last - start:.0f} s")
    _say(f"{len(files)} modules in {time.perf_counter() - start:.1f} s")


def _source(module: str) -> Path:
    path = SITE.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def warm_up_synth() -> None:
    start = time.perf_counter()
    app, cdk_json = ROOT / "app.py", ROOT / "cdk.json"
    if not app.is_file() or not cdk_json.is_file():
        _say("no app.py and cdk.json, so no synth to compile aws-cdk-lib for")
        return
    context = json.loads(cdk_json.read_text(encoding="utf-8")).get("context", {})
    with tempfile.TemporaryDirectory(prefix="labkit-precompile-") as outdir:
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "CDK_OUTDIR": outdir,
            "CDK_CONTEXT_JSON": json.dumps(context),
            "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
        }
        command = [sys.executable, str(app)]
        _say("a synth of app.py compiles the aws-cdk-lib modules it imports")
        synth = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        while True:
            try:
                output, _ = synth.communicate(timeout=PROGRESS_SECONDS)
                break
            except subprocess.TimeoutExpired:
                _say(f"synth running, {time.perf_counter() - start:.0f} s")
    if synth.returncode != 0:
        # not fatal: `make test` should still run, and say what is wrong with the app
        tail = output.decode(errors="replace").strip().splitlines()[-5:]
        lines = ["the synth failed, so the first synth that works will compile aws-cdk-lib:", *tail]
        print("precompile: " + "\n  ".join(lines), file=sys.stderr, flush=True)
        return
    # where this process, with the hook imported, caches: the prefix's mirror of aws_cdk, or its own folders
    cached = Path(sys.pycache_prefix, *(SITE / CDK).parts[1:]) if sys.pycache_prefix else SITE / CDK
    modules = sum(1 for _ in cached.rglob("*.pyc"))
    _say(f"synth done in {time.perf_counter() - start:.1f} s ({modules} aws-cdk-lib modules have bytecode)")


if __name__ == "__main__":
    if sys.argv[1:] != ["synth"]:
        sys.exit("usage: precompile.py synth")
    install_hook()
    compile_cdk_modules()
    warm_up_synth()
