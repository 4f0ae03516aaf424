"""The layout rules of the kit's code: no import cycles, short modules, one meaning per class name.

Imports are read from the syntax tree, type-checking-only imports included: a cycle through them still
ties two rooms together for the reader, even when Python never runs it.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# package roots and the import name each one's modules have
SOURCES = {ROOT / "labs": "labs", ROOT / "lambda_src": ""}
MAX_MODULE_LINES = 400


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


def test_no_class_name_is_defined_twice_in_labs() -> None:
    names: Counter[str] = Counter()
    for path in (ROOT / "labs").rglob("*.py"):
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
