"""`make setup`'s promises: uv.lock is what pyproject.toml asks for, make redoes exactly the steps whose
inputs changed, and the bytecode compile covers what the kit imports without writing into the checkout."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
SETUP_DONE = pytest.mark.skipif(not (VENV / ".deps").exists(), reason="needs a venv made by `make setup`")


def _uv() -> Path:
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["required-version"]
    uv = ROOT / ".tools" / f"uv-{required.removeprefix('==')}" / "bin" / "uv"
    if not uv.is_file():
        pytest.skip(f"{uv.relative_to(ROOT)} is bootstrapped by `make setup`")
    return uv


def _precompile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("precompile", ROOT / "scripts" / "precompile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    # the make running this suite passes its jobserver down; this make must not look for it
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    command = ["make", "--no-print-directory", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_lock_matches_pyproject(tmp_path: Path) -> None:
    # offline, with an empty cache: no network, and nothing of this machine's cache decides
    checked = subprocess.run(
        [_uv(), "lock", "--check", "--offline"],
        cwd=ROOT,
        env={**os.environ, "UV_CACHE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, f"uv.lock and pyproject.toml disagree: run `make lock`\n{checked.stderr}"


STEPS = (".venv/.deps", ".venv/.synced", ".venv/.compiled", ".venv/.warm", "node_modules/.installed")


@SETUP_DONE
def test_second_setup_has_nothing_to_do() -> None:
    assert _make("-q", "setup-steps").returncode == 0


@SETUP_DONE
@pytest.mark.parametrize(
    ("changed", "redone"),
    [
        ("uv.lock", {".venv/.deps", ".venv/.synced", ".venv/.compiled", ".venv/.warm"}),
        ("pyproject.toml", {".venv/.deps", ".venv/.synced", ".venv/.compiled", ".venv/.warm"}),
        ("package-lock.json", {"node_modules/.installed"}),
        ("scripts/precompile.py", {".venv/.compiled", ".venv/.warm"}),
    ],
)
def test_a_changed_input_redoes_its_steps_only(changed: str, redone: set[str]) -> None:
    planned = _make("--dry-run", "--what-if", changed, *STEPS)
    assert planned.returncode == 0, planned.stderr
    assert {step for step in STEPS if f"touch {step}" in planned.stdout} == redone


def test_bytecode_is_written_for_site_packages_only(tmp_path: Path) -> None:
    site, project = tmp_path / "site", tmp_path / "project"
    (site / "vendored").mkdir(parents=True)
    (site / "vendored" / "__init__.py").write_text("VALUE = 1\n")
    project.mkdir()
    (project / "helper.py").write_text("import vendored\n")
    (project / "app.py").write_text("import helper\nprint(helper.vendored.VALUE)\n")

    ran = subprocess.run(
        [sys.executable, ROOT / "scripts" / "precompile.py", "run", f"{site}{os.sep}", project / "app.py"],
        env={**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert ran.stdout == "1\n"
    assert list((site / "vendored" / "__pycache__").glob("__init__.*.pyc"))
    assert not (project / "__pycache__").exists()


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def test_package_compile_skips_what_nothing_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    precompile = _precompile()
    for name in (
        "rich/console.py",
        "sympy/core/tests/test_basic.py",
        "aws_cdk/aws_ec2/__init__.py",
        "mypy/checker.py",
        "mypy/checker.cpython-311-x86_64-linux-gnu.so",
        "mypy/plugin.py",
    ):
        _touch(tmp_path / name)
    monkeypatch.setattr(precompile, "SITE", tmp_path)

    found = {Path(file).relative_to(tmp_path).as_posix() for file in precompile.package_sources()}

    assert found == {"rich/console.py", "mypy/plugin.py"}


def test_mypy_reads_every_aws_cdk_module_the_kits_types_reach() -> None:
    """pyproject.toml's list of followed aws_cdk modules is the closure of the kit's imports, exactly."""
    checked = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "mypy_modules.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
