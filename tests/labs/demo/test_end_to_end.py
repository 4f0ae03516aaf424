"""The real thing for one lab: emulator, pinned CDK CLI bootstrap, deploy, check, destroy, leftover scan."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from labs.demo.rehearsal import Demo


@pytest.mark.emulator
def test_the_demo_rehearses_the_stream_lab_from_deploy_to_a_clean_account() -> None:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    demo = Demo(console, ["LabDdbStream"])

    code = demo.run()

    output = console.file.getvalue()  # type: ignore[attr-defined]
    [lab_run] = demo.runs
    assert code == 0, output
    assert lab_run.deploy_s is not None
    assert lab_run.report is not None
    assert lab_run.report.passed
    assert lab_run.destroy_s is not None
    assert lab_run.leftovers == []
    # the deployed writer wrote the row, the deployed cleaner emptied the bucket: nothing ran in-process
    row = next(i for i in lab_run.report.items if i.name == "CSV row in the bucket")
    assert row.outcome.value == "pass"
    assert "in-process" not in output
    assert "all labs passed" in output
