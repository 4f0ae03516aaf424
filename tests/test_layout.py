"""The layout rules of the kit's code: no import cycles, short modules, one meaning per class name, and the
emulator's boundary both ways (local_aws knows AWS, not the labs; the kit reaches it through its client).

Imports are read from the syntax tree, type-checking-only and function-level imports included: a cycle
through them still ties two rooms together for the reader, even when Python never runs it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# package roots and the import name each one's modules have
SOURCES = {
    ROOT / "labs": "labs",
    ROOT / "local_aws": "local_aws",
    ROOT / "lambda_src": "",
    ROOT / "container_src": "",
}
MAX_MODULE_LINES = 400
# the kit's own top-level packages: the labs and the Lambda code they deploy
KIT_PACKAGES = (
    "labs",
    "csv_writer",
    "bucket_cleaner",
    "object_writer",
    "cfn_response",
    "coldstart",
    "array_child",
    "tests",
)
# the one module of the emulator the kit may import
CLIENT = "local_aws.client"
BRIDGE = "local_aws.moto_bridge"


def modules() -> dict[str, Path]:
    found = {}
    for folder, prefix in SOURCES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join([prefix, *parts] if prefix else parts)
            if name:
                found[name] = path
    return found


def imports_of(source: str, module: str, *, package: bool = False) -> Iterator[str]:
    """Every name `module` imports, absolute, known or not: `import x.y` is x.y, `from x import y` is x.y
    (a module or a name of module x)."""
    anchor = module if package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = anchor.split(".")[: len(anchor.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield from (f"{base}.{alias.name}" for alias in node.names)


def top_level(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


def imported(path: Path, module: str, known: set[str]) -> Iterator[str]:
    """The kit modules `module` imports (`from x import y` counts y when y is itself a module)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield f"{base}.{alias.name}"
                elif base in known:
                    yield base


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: set(imported(path, name, known)) - {name} for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_import_cycles_in_labs_or_lambda_src() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_longer_than_400_lines() -> None:
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert {name: lines for name, lines in lengths.items() if lines > MAX_MODULE_LINES} == {}


def test_no_class_name_is_defined_twice_in_labs_or_local_aws() -> None:
    names: Counter[str] = Counter()
    for path in [*(ROOT / "labs").rglob("*.py"), *(ROOT / "local_aws").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names.update(node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef))
    assert [name for name, count in names.items() if count > 1] == []


def test_labs_import_no_kit_module_dynamically() -> None:
    """Only the registry and the descriptor import modules by name (a lab folder's lab, stack, check and
    baseline modules, by convention); the command table (labs/cli.py) imports its modules."""
    dynamic = re.compile(r"""import_module\(\s*f?["'](labs|csv_writer|bucket_cleaner)\b""")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "labs").rglob("*.py")
        if dynamic.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _sources(*folders: str) -> dict[str, tuple[str, bool]]:
    """Module name -> (its source, is it a package) for the modules under these folders of the checkout."""
    found = {}
    for folder in folders:
        root = ROOT / folder
        paths = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in paths:
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if package else parts)
            found[name] = (path.read_text(encoding="utf-8"), package)
    return found


def emulator_boundary_offenders(modules: dict[str, tuple[str, bool]]) -> dict[str, list[str]]:
    """For each module breaking the boundary, what it imports across it: a local_aws module importing the
    kit (labs, lambda_src's packages, tests), or a kit module importing local_aws other than its client."""
    offenders = {}
    for name, (source, package) in modules.items():
        names = set(imports_of(source, name, package=package))
        if top_level(name) == "local_aws":
            wrong = sorted(n for n in names if top_level(n) in KIT_PACKAGES)
        else:
            wrong = sorted(
                n for n in names if top_level(n) == "local_aws" and not f"{n}.".startswith(f"{CLIENT}.")
            )
        if wrong:
            offenders[name] = wrong
    return offenders


def test_the_emulator_imports_nothing_of_the_kit_and_the_kit_only_its_client() -> None:
    modules = _sources("local_aws", "labs", "lambda_src", "container_src", "app.py", "bench", "scripts")
    assert emulator_boundary_offenders(modules) == {}


def test_the_boundary_check_finds_a_crossing_either_way() -> None:
    modules = {
        "local_aws.services.fis": ("from labs.spot.spec import FIS_ACTION\n", False),
        "local_aws.services.ec2": ("from . import spot\nimport csv_writer.rows\n", True),
        "labs.spot.check": (
            "from local_aws.admin import call\nfrom local_aws.client import LocalAws\n",
            False,
        ),
        "labs.demo.run": ("import local_aws\nfrom local_aws import client\n", False),
        "bench.ok": ("from local_aws import client\nfrom local_aws.client import REGION\n", False),
    }
    assert emulator_boundary_offenders(modules) == {
        "local_aws.services.fis": ["labs.spot.spec.FIS_ACTION"],
        "local_aws.services.ec2": ["csv_writer.rows"],
        "labs.spot.check": ["local_aws.admin.call"],
        "labs.demo.run": ["local_aws"],
    }


def moto_offenders(modules: dict[str, tuple[str, bool]]) -> dict[str, list[str]]:
    """Modules of local_aws other than the bridge that import moto or name one of its modules in a string."""
    offenders = {}
    for name, (source, package) in modules.items():
        if name == BRIDGE:
            continue
        found = [n for n in imports_of(source, name, package=package) if top_level(n) == "moto"]
        found += [
            node.value
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.search(r"(^|[^\w-])moto(\.\w+)+", node.value)
        ]
        if found:
            offenders[name] = sorted(set(found))
    return offenders


def test_only_the_moto_bridge_imports_moto_or_names_its_modules() -> None:
    modules = _sources("local_aws")
    assert BRIDGE in modules
    assert moto_offenders(modules) == {}
    assert moto_offenders(
        {"local_aws.x": ('import importlib\nimportlib.import_module("moto.ec2.models")', False)}
    )


def _defined_private_names(modules: dict[str, tuple[str, bool]]) -> set[str]:
    """The `_name`s local_aws defines itself: functions, classes, and attributes it assigns."""
    defined = set()
    for source, _ in modules.values():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for part in ast.walk(target):
                        if isinstance(part, ast.Attribute):
                            defined.add(part.attr)
                        elif isinstance(part, ast.Name):
                            defined.add(part.id)
    return {name for name in defined if name.startswith("_")}


def private_attribute_offenders(modules: dict[str, tuple[str, bool]]) -> dict[str, list[str]]:
    """Private attributes modules of local_aws (but the bridge) touch that local_aws itself does not define:
    moto's, which only the bridge may touch."""
    own = _defined_private_names(modules)
    offenders = {}
    for name, (source, _) in modules.items():
        if name == BRIDGE:
            continue
        touched = {
            node.attr
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        }
        if touched - own:
            offenders[name] = sorted(touched - own)
    return offenders


def test_only_the_moto_bridge_touches_moto_s_private_attributes() -> None:
    modules = _sources("local_aws")
    assert private_attribute_offenders(modules) == {}
    touching = {"local_aws.services.x": ("def f(response):\n    return response._get_param('Name')\n", False)}
    assert private_attribute_offenders({**modules, **touching}) == {"local_aws.services.x": ["_get_param"]}


def test_importing_the_emulator_s_client_imports_neither_moto_nor_boto3_nor_aws_cdk() -> None:
    """The labs' CDK-free fact modules (labs/spot/spec.py) import it: it must stay light."""
    heavy = ("moto", "boto3", "botocore", "aws_cdk", "werkzeug")
    loaded = "{m.split('.')[0] for m in sys.modules}"
    probe = f"import sys, local_aws.client; print(sorted({loaded} & {set(heavy)}))"
    imported = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert imported == "[]"


def test_a_containers_code_imports_only_the_standard_library() -> None:
    """container_src/ runs in a public image's Python, where nothing else is installed (python:3.13-slim)."""
    found = {
        name: sorted(
            n
            for n in imports_of(source, name, package=package)
            if top_level(n) not in sys.stdlib_module_names and top_level(n) != top_level(name)
        )
        for name, (source, package) in _sources("container_src").items()
    }
    assert {name: names for name, names in found.items() if names} == {}
