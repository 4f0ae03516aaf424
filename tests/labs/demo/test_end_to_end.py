"""The real thing for one lab's life: emulator, pinned CLI, deploy, check, redeploy, check, expiry, scan."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from labs.demo.rehearsal import Demo
from labs.demo.runs import CHECK, CLEANUP, EXPIRE, RECHECK, REDEPLOY, STEPS


@pytest.mark.e2e
def test_the_demo_rehearses_the_stream_lab_from_deploy_to_a_clean_account() -> None:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    demo = Demo(console, ["LabDdbStream"])

    code = demo.run()

    output = console.file.getvalue()  # type: ignore[attr-defined]
    [lab_run] = demo.runs
    assert code == 0, output
    assert all(lab_run.succeeded(step) for step in STEPS)
    assert lab_run.reports[CHECK].passed
    assert lab_run.reports[RECHECK].passed
    assert "expiry" in lab_run.steps[REDEPLOY].detail  # the redeploy moved the lab's expiry
    assert "ran with the stack's service role" in lab_run.steps[EXPIRE].detail
    assert lab_run.leftovers == []
    assert CLEANUP not in lab_run.steps  # its own expiry deleted it, not the demo
    # the deployed writer wrote the row, the deployed cleaner emptied the bucket: nothing ran in-process
    row = next(i for i in lab_run.reports[CHECK].items if i.name == "CSV row in the bucket")
    assert row.outcome.value == "pass"
    assert "in-process" not in output
    assert output.strip().splitlines()[-1].startswith("all labs passed")
