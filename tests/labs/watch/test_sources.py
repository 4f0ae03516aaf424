"""What the watch watches: a code file is pushed, a stack file (the stack's modules, cdk.json) redeploys,
the lab's check and descriptor change nothing; and its package holds what CDK's asset holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from labs.cdk_json import KIT_CDK_JSON
from labs.constructs.function_facts import KIT_CODE, CodeSource
from labs.registry import all_labs, lab
from labs.synthesis import Synthesized
from labs.watch.package import package_files
from labs.watch.sources import Sources, stack_files

LABS = Path(__file__).resolve().parents[3] / "labs"


def test_the_stack_files_are_the_stack_its_imports_and_cdk_json() -> None:
    files = stack_files(lab("LabDdbStream"))

    assert LABS / "ddb_stream" / "stack.py" in files
    assert LABS / "ddb_stream" / "spec.py" in files
    assert LABS / "function_labs" / "csv_writer.py" in files
    assert LABS / "constructs" / "lab_stack.py" in files
    assert KIT_CDK_JSON in files
    assert LABS / "ddb_stream" / "check.py" not in files
    assert LABS / "ddb_stream" / "lab.py" not in files


def test_a_change_is_the_code_s_or_the_stack_s(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "__pycache__").mkdir()
    sources = Sources(CodeSource(tmp_path), stack_files(lab("LabDdbStream")))
    code, cached = tmp_path / "lib" / "util.py", tmp_path / "__pycache__" / "util.cpython-311.pyc"
    stack = LABS / "ddb_stream" / "stack.py"

    assert sources.code_changes([code, cached, stack]) == [code]
    assert sources.stack_changes([code, stack, LABS / "ddb_stream" / "check.py"]) == [stack]
    assert tmp_path / "lib" in sources.folders
    assert tmp_path / "__pycache__" not in sources.folders
    assert KIT_CDK_JSON.parent in sources.folders


@pytest.mark.parametrize(
    "lab_id", [lab_id for lab_id, described in all_labs().items() if described.handler_loop]
)
def test_the_watch_packages_the_files_cdk_stages_for_each_function(
    default_synth: Synthesized, lab_id: str
) -> None:
    loop = lab(lab_id).handler_loop
    assert loop is not None
    template = default_synth.templates()[lab_id]
    function = next(
        resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function" and logical_id.startswith(loop.functions[0])
    )
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    staged = Path(default_synth.assembly.directory) / f"asset.{asset_hash}"

    files = sorted(str(path.relative_to(staged)) for path in staged.rglob("*") if path.is_file())
    assert files == package_files(loop.kit_code)
    assert loop.kit_code == KIT_CODE or lab_id == "LabColdStart"
