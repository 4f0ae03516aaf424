"""`make setup`'s promises: uv.lock is what pyproject.toml asks for, make redoes exactly the steps whose
inputs changed, and the venv keeps the bytecode of what it imports without writing into the checkout."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

# runs the toolchain (the CDK app, the pinned CLI or the set-up's tools): not a unit test
pytestmark = pytest.mark.synth

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
    with pytest.MonkeyPatch.context() as patch:
        # run as a script, precompile.py finds its neighbour mypy_modules on sys.path; loaded here, likewise
        patch.syspath_prepend(str(ROOT / "scripts"))
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


STEPS = (".venv/.deps", ".venv/.synced", ".venv/.warm", "node_modules/.installed")


@SETUP_DONE
def test_second_setup_has_nothing_to_do() -> None:
    assert _make("-q", "setup-steps").returncode == 0


@SETUP_DONE
@pytest.mark.parametrize(
    ("changed", "redone"),
    [
        ("uv.lock", {".venv/.deps", ".venv/.synced", ".venv/.warm"}),
        ("pyproject.toml", {".venv/.deps", ".venv/.synced", ".venv/.warm"}),
        ("package-lock.json", {"node_modules/.installed"}),
        ("scripts/precompile.py", {".venv/.warm"}),
        ("scripts/mypy_modules.py", {".venv/.warm"}),
        ("scripts/bytecode/_labkit_bytecode.py", {".venv/.warm"}),
    ],
)
def test_a_changed_input_redoes_its_steps_only(changed: str, redone: set[str]) -> None:
    planned = _make("--dry-run", "--what-if", changed, *STEPS)
    assert planned.returncode == 0, planned.stderr
    assert {step for step in STEPS if f"touch {step}" in planned.stdout} == redone


@pytest.fixture(scope="module")
def hooked_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway venv with the bytecode hook installed the way `make setup` installs it."""
    venv = tmp_path_factory.mktemp("hooked") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    site = subprocess.run(
        [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    _precompile().install_hook(Path(site))
    return venv


def _import_helper(venv: Path, project: Path, *options: str, **env: str) -> None:
    (project / "helper.py").write_text("VALUE = 1\n")
    base = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    command = [venv / "bin" / "python", *options, "-c", "import helper; assert helper.VALUE == 1"]
    subprocess.run(command, cwd=project, env={**base, "PYTHONPATH": str(project), **env}, check=True)


def _cached(venv: Path, project: Path) -> list[Path]:
    return list(venv.joinpath("pycache", *project.parts[1:]).glob("helper.*.pyc"))


def test_the_venv_keeps_bytecode_in_its_own_folder_despite_pythondontwritebytecode(
    hooked_venv: Path, tmp_path: Path
) -> None:
    _import_helper(hooked_venv, tmp_path, PYTHONDONTWRITEBYTECODE="1")

    assert _cached(hooked_venv, tmp_path)
    assert not (tmp_path / "__pycache__").exists()


def test_python_dash_b_still_writes_no_bytecode(hooked_venv: Path, tmp_path: Path) -> None:
    _import_helper(hooked_venv, tmp_path, "-B", PYTHONDONTWRITEBYTECODE="1")

    assert not _cached(hooked_venv, tmp_path)
    assert not (tmp_path / "__pycache__").exists()


def test_without_the_variable_python_caches_bytecode_as_usual(hooked_venv: Path, tmp_path: Path) -> None:
    _import_helper(hooked_venv, tmp_path)

    assert not _cached(hooked_venv, tmp_path)
    assert list((tmp_path / "__pycache__").glob("helper.*.pyc"))


def test_a_pycache_prefix_the_user_chose_is_kept(hooked_venv: Path, tmp_path: Path) -> None:
    project, chosen = tmp_path / "project", tmp_path / "chosen"
    project.mkdir()
    _import_helper(hooked_venv, project, PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(chosen))

    assert list(chosen.joinpath(*project.parts[1:]).glob("helper.*.pyc"))
    assert not _cached(hooked_venv, project)


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
