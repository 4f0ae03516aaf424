"""Write the venv's bytecode at set-up: with PYTHONDONTWRITEBYTECODE=1, Python never caches it by itself.

Run by the venv's Python once the dependencies are installed, in two parts that `make setup` runs together:

- `precompile.py synth`: aws-cdk-lib is 180 MB of source (~20 s of CPU to compile) of which the labs import a
  fifth, partly lazily. One synth of app.py, writing bytecode for site-packages only, compiles exactly that
  fifth (compiling the modules the sources name beside it, on the other core, measured slower: both
  processes compiled the same large modules);
- `precompile.py packages`: every other .py of site-packages, at a lower priority than the synth, except what
  nothing imports (packages' own tests, .py files a compiled extension module beside them shadows).

Up-to-date files are skipped, so a run after a small `uv sync` is quick.
"""

from __future__ import annotations

import compileall
import json
import os
import runpy
import subprocess
import sys
import sysconfig
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.machinery import SourceFileLoader
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Buffer

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(sysconfig.get_paths()["purelib"])
CDK = "aws_cdk"
PROGRESS_SECONDS = 2.0


def _say(message: str) -> None:
    print(f"precompile: {message}", flush=True)


def package_sources() -> list[str]:
    """The .py files of site-packages that an import may load, aws-cdk-lib's left to the synth."""
    found = []
    for folder, dirs, files in os.walk(SITE):
        here = Path(folder)
        dirs[:] = [d for d in dirs if d not in {"tests", "__pycache__"} and not (here == SITE and d == CDK)]
        extensions = {name.split(".", 1)[0] for name in files if name.endswith(".so")}
        found += [str(here / name) for name in files if name.endswith(".py") and name[:-3] not in extensions]
    return found


def _compile(path: str) -> bool:
    return bool(compileall.compile_file(path, quiet=2))


def compile_packages() -> None:
    start = time.perf_counter()
    files = package_sources()
    _say(f"{len(files):,} files of site-packages (aws-cdk-lib's come with the synth)")
    done, last = 0, start
    # niced: the synth beside it is the longer path, so it has the cores first
    with ProcessPoolExecutor(os.cpu_count(), initializer=os.nice, initargs=(10,)) as pool:
        for _ in pool.map(_compile, files, chunksize=32):
            done += 1
            if time.perf_counter() - last >= PROGRESS_SECONDS:
                last = time.perf_counter()
                _say(f"{done:,}/{len(files):,} files, {last - start:.0f} s")
    _say(f"{len(files):,} files in {time.perf_counter() - start:.1f} s")


def run_writing_bytecode(site: str, script: str) -> None:
    """Run `script` as __main__, writing bytecode for the modules under `site` and for no others."""
    write = SourceFileLoader.set_data

    def set_data(self: SourceFileLoader, path: str, data: Buffer, *, _mode: int = 0o666) -> None:
        if path.startswith(site):
            write(self, path, data, _mode=_mode)

    SourceFileLoader.set_data = set_data  # type: ignore[method-assign]
    sys.dont_write_bytecode = False
    sys.argv = [script]
    sys.path[0] = str(Path(script).resolve().parent)
    runpy.run_path(script, run_name="__main__")


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
        command = [sys.executable, __file__, "run", f"{SITE}{os.sep}", str(app)]
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
        lines = ["the synth failed; each synth compiles aws-cdk-lib until the next `make setup`:", *tail]
        print("precompile: " + "\n  ".join(lines), file=sys.stderr, flush=True)
        return
    modules = sum(1 for _ in (SITE / CDK).rglob("*.pyc"))
    _say(f"synth done in {time.perf_counter() - start:.1f} s ({modules} aws-cdk-lib modules have bytecode)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"] and len(sys.argv) == 4:
        run_writing_bytecode(sys.argv[2], sys.argv[3])
    elif sys.argv[1:] == ["packages"]:
        compile_packages()
    elif sys.argv[1:] == ["synth"]:
        warm_up_synth()
    else:
        sys.exit("usage: precompile.py packages|synth")
