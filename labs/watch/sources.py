"""What `labkit watch` watches: the handler's code folder, and the files the lab's stack is built from.

A stack file is the lab's stack module and every module of labs/ it imports at module level, transitively
(its spec, the shared constructs), plus cdk.json, whose context the stack reads: an edit there changes the
template, so it needs a deploy. The lab's check and descriptor change no template and are not watched.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from labs.cdk_json import KIT_CDK_JSON
from labs.constructs.function_facts import CodeSource
from labs.descriptor import STACK_MODULE, Lab
from labs.watch.package import excluded

LABS_ROOT = Path(__file__).resolve().parents[1]


def _module_file(name: str) -> Path | None:
    """The file of a `labs.` module or package, if it is one."""
    parts = name.split(".")
    if parts[0] != "labs":
        return None
    base = LABS_ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> Iterable[str]:
    """The modules a file imports at module level (`from a import b` yields a.b and a)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def stack_files(lab: Lab) -> frozenset[Path]:
    """The lab's stack module, the kit modules it is built from, and cdk.json."""
    start = _module_file(f"{lab.package}.{STACK_MODULE}")
    found: set[Path] = set()
    todo = [start] if start else []
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.add(path)
        todo += [f for name in _imports(path) if (f := _module_file(name)) and f not in found]
    return frozenset({*found, KIT_CDK_JSON})


def _prefixes(relative: str) -> list[str]:
    """`a`, `a/b`, `a/b/c` for `a/b/c`: a folder inside an excluded folder is excluded too."""
    parts = relative.split("/")
    return ["/".join(parts[: index + 1]) for index in range(len(parts))]


@dataclass(frozen=True)
class Sources:
    """The watched files: the handler's code (one folder) and the stack's files."""

    code: CodeSource
    stack: frozenset[Path]

    @property
    def folders(self) -> list[Path]:
        """What to hand the file watcher, each folder on its own (not recursive: the checkout's root holds
        cdk.json beside .venv and node_modules): the code folder and its subfolders, the stack's folders."""
        code = [self.code.folder]
        for folder in self.code.folder.rglob("*"):
            relative = folder.relative_to(self.code.folder).as_posix()
            if folder.is_dir() and not any(excluded(p, self.code.exclude) for p in _prefixes(relative)):
                code.append(folder)
        return sorted({*code, *(path.parent for path in self.stack)})

    def stack_changes(self, paths: Iterable[Path]) -> list[Path]:
        """The changed files the stack is built from."""
        return sorted(path for path in paths if path.resolve() in self.stack)

    def code_changes(self, paths: Iterable[Path]) -> list[Path]:
        """The changed files the function's package holds (or held: a deleted file counts)."""
        changed = []
        for path in paths:
            resolved = path.resolve()
            if resolved in self.stack or not resolved.is_relative_to(self.code.folder):
                continue
            if not excluded(resolved.relative_to(self.code.folder).as_posix(), self.code.exclude):
                changed.append(path)
        return sorted(changed)
