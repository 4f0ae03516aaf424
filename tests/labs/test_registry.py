"""The registry: every lab folder with a lab.py is a lab, and its descriptor keeps the conventions."""

from __future__ import annotations

import ast
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
    for path in [*(ROOT / "labs").rglob("*.py"), *(ROOT / "lambda_src").rglob("*.py"), ROOT / "app.py"]:
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
