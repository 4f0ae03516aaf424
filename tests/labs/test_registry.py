"""The registry: every lab folder with a lab.py is a lab, and its descriptor keeps the conventions."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from labs.registry import LABS_ROOT, all_labs, lab, lab_ids

ROOT = Path(__file__).resolve().parents[2]


def test_every_folder_with_a_descriptor_is_a_lab_in_the_chapters_order() -> None:
    folders = {path.parent.name for path in LABS_ROOT.glob("*/lab.py")}
    assert {Path(described.folder).name for described in all_labs().values()} == folders
    orders = [described.order for described in all_labs().values()]
    assert orders == sorted(orders)
    assert lab_ids()[:4] == ("LabEc2", "LabAsg", "LabDdbStream", "LabStepFunction")


@pytest.mark.parametrize("lab_id", lab_ids())
def test_a_labs_stack_derives_from_lab_stack_and_its_check_is_callable(lab_id: str) -> None:
    from labs.constructs.lab_stack import (
        LabStack,
    )  # aws-cdk-lib: imported where it is needed, not on collection

    described = lab(lab_id)
    assert issubclass(described.stack(), LabStack)  # type: ignore[arg-type]
    assert callable(described.check)
    assert described.steps, "a lab names the hands-on's steps its starter and hints use"
    if described.starter is not None:
        assert described.starter.template.is_file()


def test_an_unknown_lab_is_refused_with_the_list_of_labs() -> None:
    with pytest.raises(ValueError, match="unknown lab 'LabNope': choose one of LabEc2, LabAsg"):
        lab("LabNope")


def test_no_module_outside_a_lab_folder_holds_a_lab_id() -> None:
    """The registry is the one list: the tooling names no lab (a lab folder may import its own id)."""
    lab_folders = {Path(described.folder) for described in all_labs().values()}
    offenders = []
    for path in kit_modules():
        if any(folder in path.parents for folder in lab_folders):
            continue
        strings = {
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        named = {lab_id for lab_id in lab_ids() for text in strings if lab_id in text}
        if named:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(named)}")
    assert offenders == []


# what may import a lab folder's modules from outside it: the registry and the descriptor find and load labs
LAB_LOADERS = {"labs/registry.py", "labs/descriptor.py"}
NOT_SOURCE = {"tests", "node_modules", "bench", "scripts", "cdk.out"}


def kit_modules() -> list[Path]:
    """app.py and every module of every top-level package of the kit's code (a new package is read too)."""
    packages = [
        path
        for path in ROOT.iterdir()
        if path.is_dir() and not path.name.startswith(".") and path.name not in NOT_SOURCE
    ]
    return [ROOT / "app.py", *sorted(p for package in packages for p in package.rglob("*.py"))]


def imported_names(source: str, *, package: str) -> Iterator[str]:
    """The dotted name of every module or name an import of `source` reaches (relative ones resolved)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield from (f"{base}.{alias.name}" for alias in node.names)


def lab_packages() -> dict[str, Path]:
    """Each lab folder's package (`labs.spot`) and its folder."""
    return {described.package: Path(described.folder) for described in all_labs().values()}


def lab_imports_from_outside(path: Path, source: str) -> list[str]:
    """The lab-folder modules `path` imports while it is outside that lab's folder."""
    relative = path.relative_to(ROOT)
    package = (
        ".".join(relative.with_suffix("").parts[:-1])
        if path.name != "__init__.py"
        else ".".join(relative.parts[:-1])
    )
    found = []
    for name in imported_names(source, package=package):
        for lab_package, folder in lab_packages().items():
            reaches = name == lab_package or name.startswith(lab_package + ".")
            if reaches and folder not in path.parents:
                found.append(_module_of(name))
    return sorted(set(found))


def _module_of(name: str) -> str:
    """The module a dotted name is, or the module it names something in (labs.spot.spec.LAB_ID: its spec)."""
    as_path = ROOT.joinpath(*name.split("."))
    if as_path.with_suffix(".py").is_file() or as_path.is_dir():
        return name
    return name.rsplit(".", 1)[0]


def test_no_module_outside_a_lab_folder_imports_a_lab_folders_modules() -> None:
    """A lab is reached through its descriptor: no shared module imports a lab folder's stack, check or facts
    (and so its id), whether the import is a string literal's or a module's."""
    offenders = []
    for path in kit_modules():
        name = str(path.relative_to(ROOT))
        if name in LAB_LOADERS:
            continue
        for imported in lab_imports_from_outside(path, path.read_text(encoding="utf-8")):
            offenders.append(f"{name} imports {imported}")
    assert offenders == []


def test_the_import_check_catches_each_way_of_importing_a_lab_folder() -> None:
    inside = ROOT / "labs" / "spot" / "check.py"
    outside = ROOT / "labs" / "emulator" / "command.py"
    sources = {
        "from labs.ddb_stream.spec import LAB_ID": ["labs.ddb_stream.spec"],
        "import labs.spot.spec as spot": ["labs.spot.spec"],
        "from labs.spot import spec": ["labs.spot.spec"],
        "def later():\n    from labs.asg.check import check": ["labs.asg.check"],
        "from labs.registry import lab": [],
    }
    for source, expected in sources.items():
        assert lab_imports_from_outside(outside, source) == expected, source
    assert lab_imports_from_outside(inside, "from .spec import LAB_ID") == []
    assert lab_imports_from_outside(inside, "from labs.asg.spec import LAB_ID") == ["labs.asg.spec"]
    assert {str(path.relative_to(ROOT)) for path in kit_modules()} >= {
        "app.py",
        "labs/cli.py",
        "labs/emulator/command.py",
    }
