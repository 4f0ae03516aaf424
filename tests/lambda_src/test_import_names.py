"""One import name per Lambda package, the one the Lambda runtime uses: lambda_src/ is the asset root."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
LAMBDA_SRC = ROOT / "lambda_src"
# as the lab stacks deploy them (tests/labs check the templates carry these strings)
HANDLERS = ["csv_writer.handler.handler", "bucket_cleaner.handler.handler", "spot_events.handler.handler"]

# runs the kit's tools in processes of their own: not a unit test
pytestmark = pytest.mark.synth

_RESOLVE = """
import importlib, json, sys
module_name, _, attribute = sys.argv[1].rpartition(".")
module = importlib.import_module(module_name)
found = {"file": module.__file__, "callable": callable(getattr(module, attribute)), "lambda_src": True}
try:
    import lambda_src
except ModuleNotFoundError:
    found["lambda_src"] = False
print(json.dumps(found))
"""


def _resolve(handler: str, *, flags: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    command = [sys.executable, *flags, "-c", _RESOLVE, handler]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def _expected(handler: str) -> dict[str, Any]:
    package = handler.partition(".")[0]
    return {"file": str(LAMBDA_SRC / package / "handler.py"), "callable": True, "lambda_src": False}


@pytest.mark.parametrize("handler", HANDLERS)
def test_the_deployed_handler_string_resolves_with_only_the_asset_root_on_the_path(
    handler: str, tmp_path: Path
) -> None:
    """As Lambda loads it: lambda_src/ and the runtime's boto3 on the path, no site-packages, no kit."""
    runtime = Path(boto3.__file__).resolve().parents[1]
    env = {"PYTHONPATH": os.pathsep.join([str(LAMBDA_SRC), str(runtime)]), "PYTHONDONTWRITEBYTECODE": "1"}
    assert _resolve(handler, flags=["-S"], env=env, cwd=tmp_path) == _expected(handler)


@pytest.mark.parametrize("handler", HANDLERS)
def test_the_installed_kit_imports_the_lambda_packages_by_the_same_name_from_any_folder(
    handler: str, tmp_path: Path
) -> None:
    """`make setup` installs each Lambda package as a top-level package; lambda_src is none."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    assert _resolve(handler, flags=[], env=env, cwd=tmp_path) == _expected(handler)


def _lambda_src_references(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            found.append(node.module or "")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and " " not in node.value:
            found.append(node.value)  # dotted targets: monkeypatch.setattr("pkg.module.name", ...)
    return [name for name in found if name.split(".")[0] == "lambda_src" and "." in name]


def test_the_kit_never_reaches_the_lambda_code_through_lambda_src() -> None:
    """A second name would load a second copy of each module, with its own logger and S3 client cache."""
    paths = [ROOT / "app.py"]
    for folder in ("labs", "lambda_src", "bench", "tests"):
        paths += sorted((ROOT / folder).rglob("*.py"))
    offenders = {str(path.relative_to(ROOT)): _lambda_src_references(path) for path in paths}
    assert {path: names for path, names in offenders.items() if names} == {}
