"""The aws-cdk-lib modules mypy must read to check the kit: what it imports, and every module its types name.

aws_cdk/__init__.py names all of its ~350 service modules for type checkers, and a cold mypy spent most of
its minute reading them. pyproject.toml lets mypy skip `aws_cdk.*` except the modules listed here, which
are exactly those reachable from the kit's own imports: every type the kit's code can meet is still read in
full, so no check of the kit's code is loosened.

    python scripts/mypy_modules.py           # print the list
    python scripts/mypy_modules.py --check   # exit 1 when pyproject.toml's list differs (a test runs this)
    python scripts/mypy_modules.py --write   # rewrite pyproject.toml's list
"""

from __future__ import annotations

import ast
import re
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KIT_SOURCES = ("app.py", "labs", "lambda_src", "bench", "scripts")
SITE = Path(sysconfig.get_paths()["purelib"])
# where the list lives in pyproject.toml: the override that makes these modules "normal" again
_LIST = re.compile(
    r"(# mypy_modules: generated\n\[\[tool\.mypy\.overrides\]\]\nmodule = \[)(.*?)"
    r'(\]\nfollow_imports = "normal")',
    re.S,
)
_TYPE_CHECKING_BLOCK = "# Type-checking-only imports for static analyzers"


def _exists(module: str) -> bool:
    path = SITE / module.replace(".", "/")
    return (path / "__init__.py").is_file() or path.with_suffix(".py").is_file()


def kit_imports() -> set[str]:
    found: set[str] = set()
    files = [
        p
        for source in KIT_SOURCES
        for p in ((ROOT / source).rglob("*.py") if (ROOT / source).is_dir() else [ROOT / source])
    ]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aws_cdk"):
                found.add(str(node.module))
                found |= {f"{node.module}.{a.name}" for a in node.names if _exists(f"{node.module}.{a.name}")}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("aws_cdk")}
    return found


def imported_by(module: str) -> set[str]:
    path = SITE / module.replace(".", "/")
    text = (
        (path / "__init__.py") if (path / "__init__.py").is_file() else path.with_suffix(".py")
    ).read_text(encoding="utf-8")
    if module == "aws_cdk":  # the block naming every service module is what the skip is for
        head, _, rest = text.partition(_TYPE_CHECKING_BLOCK)
        text = head + rest.partition("publication.publish()")[2]
    named = set(re.findall(r"^\s*import (aws_cdk(?:\.[\w.]+)?) as", text, re.M))
    named |= set(re.findall(r"^\s*from (aws_cdk(?:\.[\w.]+)?) import", text, re.M))
    return {m for m in named if _exists(m)}


def needed() -> list[str]:
    closure: set[str] = set()
    todo = sorted(kit_imports())
    while todo:
        module = todo.pop()
        if module not in closure:
            closure.add(module)
            todo += sorted(imported_by(module) - closure)
    return sorted(closure)


def listed(pyproject: str) -> list[str]:
    match = _LIST.search(pyproject)
    return re.findall(r'"([\w.]+)"', match.group(2)) if match else []


def main(argv: list[str]) -> int:
    modules = needed()
    pyproject_path = ROOT / "pyproject.toml"
    text = pyproject_path.read_text(encoding="utf-8")
    if "--check" in argv:
        current = listed(text)
        if current != modules:
            missing, extra = sorted(set(modules) - set(current)), sorted(set(current) - set(modules))
            print(
                f"pyproject.toml's mypy module list is stale: missing {missing}, extra {extra}; "
                "run `python scripts/mypy_modules.py --write`"
            )
            return 1
        return 0
    if "--write" in argv:
        body = "\n" + "".join(f'  "{m}",\n' for m in modules)
        if not _LIST.search(text):
            print("pyproject.toml has no `# mypy_modules: generated` override to rewrite", file=sys.stderr)
            return 2
        pyproject_path.write_text(_LIST.sub(lambda m: m.group(1) + body + m.group(3), text), encoding="utf-8")
        return 0
    print("\n".join(modules))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
