"""Every public function, method and class of the kit says what it is or does in a docstring.

The definitions are read from the syntax tree, so no module is imported: the test is fast and cannot be
fooled by a docstring set at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "labs", ROOT / "local_aws", ROOT / "lambda_src", ROOT / "container_src")
# a property reads as the attribute it names; an overload's docstring belongs to the implementation
EXEMPT_DECORATORS = {"property", "overload"}

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def decorator_names(node: Definition) -> set[str]:
    """The last name of each decorator (`typing.overload` -> `overload`), calls included."""
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute):
            names.add(target.attr)
        elif isinstance(target, ast.Name):
            names.add(target.id)
    return names


def public_definitions(body: list[ast.stmt]) -> Iterator[Definition]:
    """The public definitions at module level and inside classes, however deep the classes nest."""
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        # private names (dunders such as __init__ included) are the module's or class's own business
        if node.name.startswith("_"):
            continue
        if isinstance(node, ast.ClassDef):
            yield node
            yield from public_definitions(node.body)
        # nested functions are not reached: a function's body is never walked
        elif not decorator_names(node) & EXEMPT_DECORATORS:
            yield node


def undocumented() -> list[str]:
    """`path:line name` for each public definition without a docstring."""
    offenders = []
    for folder in SOURCES:
        for path in sorted(folder.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in public_definitions(tree.body):
                if ast.get_docstring(node) is None:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return offenders


def test_every_public_definition_has_a_docstring() -> None:
    offenders = undocumented()
    assert not offenders, f"{len(offenders)} public definitions without a docstring:\n" + "\n".join(offenders)


def test_the_walk_finds_what_it_should() -> None:
    source = '''
class Shown:
    """Documented."""
    def method(self): pass
    def _private(self): pass
    def __init__(self): pass
    @property
    def value(self): pass
    class Inner:
        def deep(self): pass
def outer():
    def nested(): pass
@typing.overload
def twin(x: int) -> int: ...
'''
    names = [node.name for node in public_definitions(ast.parse(source).body)]
    assert names == ["Shown", "method", "Inner", "deep", "outer"]
