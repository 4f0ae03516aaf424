"""The learner's handler folder (`-c handlerCode=<dir>`): refused before anything is built unless it imports.

Every lab whose descriptor declares a handler starter runs the learner's `handler.handler` in place of the
kit's own code. A folder that is not there, a module Python cannot compile, a missing `handler` function or
a module-level import of a package Python cannot find is refused here, naming the file and the line: the lab
stack base (labs/constructs/lab_stack.py) turns the refusal into an error of every such lab's stack, so no
lab deploys the kit's solution in place of the learner's code. CDK-free; the registry is read lazily.
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import sys
from pathlib import Path

from labs.shared_facts import LEARNER_HANDLER_FILE


class HandlerCodeError(ValueError):
    """The learner's handler folder cannot be deployed; the message names the file and line."""


def handler_labs() -> list[str]:
    """The labs whose starter is a handler, deployed with -c handlerCode=<folder>."""
    from labs.registry import all_labs

    return [lab_id for lab_id, lab in all_labs().items() if lab.starter and lab.starter.kind == "handler"]


def ignored_handler_code(lab_id: str) -> str:
    """The warning for -c handlerCode on a lab that runs no handler of the learner's."""
    from labs.registry import all_labs

    starter = all_labs()[lab_id].starter
    way = (
        f": its exercise is a whole stack: labkit exercise {lab_id}, then cdk deploy My{lab_id}"
        if starter and starter.kind == "stack"
        else f"; the labs that run one: {', '.join(handler_labs())}"
    )
    return f"{lab_id} runs no handler of yours, so -c handlerCode changes nothing in it{way}"


def accepts_handler_code(lab_id: str) -> bool:
    """Whether the lab runs the learner's handler when deployed with -c handlerCode."""
    return lab_id in handler_labs()


def handler_folder(text: str) -> Path:
    """The folder `text` names, resolved, once it holds a handler.py that imports; HandlerCodeError if not."""
    folder = Path(text).expanduser()
    labs = handler_labs()
    # a learner's folder is my-labs/<Lab>: its name says which lab, and the answer names that one alone
    named = [lab_id for lab_id in labs if lab_id == folder.name]
    first, *others = named or labs or ["<Lab>"]
    write_one = f"write one with `labkit exercise {first}`" + (f" (or {', '.join(others)})" if others else "")
    if not folder.is_dir():
        meant = nearest_folder(folder)
        guess = f"did you mean {meant}? Or " if meant else ""
        raise HandlerCodeError(f"handlerCode={text!r} is not a folder: {guess}{write_one}")
    source = folder / LEARNER_HANDLER_FILE
    if not source.is_file():
        raise HandlerCodeError(f"handlerCode={text!r} holds no {LEARNER_HANDLER_FILE}: {write_one}")
    # the handler first: its error is the one the learner is looking for
    modules = [source, *sorted(p for p in folder.glob("*.py") if p.name != LEARNER_HANDLER_FILE)]
    trees = {module: _compiled(text, module) for module in modules}
    tree = trees[source]
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    if "handler" not in functions:
        raise HandlerCodeError(
            f"handlerCode={text!r}: {source} defines no function `handler(event, context)`, the one "
            "Lambda calls"
        )
    missing = [
        (module, *found) for module, tree in trees.items() for found in unresolved_imports(tree, folder)
    ]
    if missing:
        module, line, name = missing[0]
        raise HandlerCodeError(
            f"handlerCode={text!r}: {module} line {line} imports {name}, which Python cannot find: it is not "
            "in the folder, the standard library, boto3 or Powertools (the function's layer)"
        )
    return folder.resolve()


def _compiled(text: str, module: Path) -> ast.Module:
    """The module's tree, once Python compiles it as the runtime would at import (not only parses it)."""
    try:
        code = module.read_text(encoding="utf-8")
        # compile() also refuses what parses but cannot run: `return` outside a function, a bad `nonlocal`
        compile(code, str(module), "exec", dont_inherit=True)
        return ast.parse(code, filename=str(module))
    except SyntaxError as error:
        where = f" line {error.lineno}" if error.lineno else ""
        raise HandlerCodeError(
            f"handlerCode={text!r}: {module}{where} is not valid Python: {error.msg}"
        ) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise HandlerCodeError(f"handlerCode={text!r}: {module} is not valid Python: {error}") from None


def unresolved_imports(tree: ast.Module, folder: Path) -> list[tuple[int, str]]:
    """(line, module) of each module-level import Python cannot find; imports inside a `try` or a function
    are the learner's choice (an optional dependency) and run only when reached."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name) for name in names if not _importable(name.partition(".")[0], folder)]
    return found


def _importable(top: str, folder: Path) -> bool:
    if top in sys.stdlib_module_names:
        return True
    if (folder / top).is_dir() or (folder / f"{top}.py").is_file():
        return True
    # the kit's venv holds what the runtime and the Powertools layer ship (the emulator links them from it)
    return importlib.util.find_spec(top) is not None


def nearest_folder(folder: Path) -> Path | None:
    """The existing folder with a handler.py that a mistyped path most likely meant (`my-lab/X` ->
    `my-labs/X`), or None."""
    parts = folder.parts
    base = Path(parts[0]) if folder.is_absolute() else Path()
    for part in parts[1:] if folder.is_absolute() else parts:
        candidate = base / part
        if not candidate.is_dir():
            siblings = [p.name for p in base.iterdir() if p.is_dir()] if base.is_dir() else []
            close = difflib.get_close_matches(part, siblings, n=1, cutoff=0.75)
            if not close:
                return None
            candidate = base / close[0]
        base = candidate
    return base if (base / LEARNER_HANDLER_FILE).is_file() else None
