"""What `labkit demo` reports: a lab passes only when every step really happened and left nothing behind."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from labs.checks.report import CheckReport
from labs.demo.command import run
from labs.demo.rehearsal import stack_names_of
from labs.demo.results import emulator_notes, results_table
from labs.demo.runs import LabRun
from labs.emulator import LocalAws
from labs.leftovers.model import Leftover


def report(*, verified: bool, failed: bool = False) -> CheckReport:
    checked = CheckReport(lab_id="LabEc2", stack_name="LabEc2")
    checked.not_verifiable("Elastic IP answers ping", "the emulator's address is not on any network")
    if verified:
        checked.add("Instance running", True, "i-1 is running")
    if failed:
        checked.add("Data volume attached", False, "vol-1 is not attached")
    return checked


def finished(**changes: object) -> LabRun:
    lab_run = LabRun(
        "LabEc2", "LabEc2", deploy_s=2.0, destroy_s=1.0, report=report(verified=True), leftovers=[]
    )
    for name, value in changes.items():
        setattr(lab_run, name, value)
    return lab_run


def rendered(table: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_a_lab_passes_when_deployed_checked_destroyed_and_clean() -> None:
    assert finished().passed


@pytest.mark.parametrize(
    ("what", "changes"),
    [
        ("nothing verified, only unverifiable items", {"report": report(verified=False)}),
        ("a failed check item", {"report": report(verified=True, failed=True)}),
        ("no destroy", {"destroy_s": None}),
        ("a leftover", {"leftovers": [Leftover("AWS::EC2::EIP", "127.0.0.1", "tagged labkit:lab=LabEc2")]}),
        ("no leftover scan", {"leftovers": None}),
        ("a failed step", {"failures": ["destroy: `cdk destroy LabEc2` failed"]}),
    ],
)
def test_a_lab_fails_on(what: str, changes: dict[str, object]) -> None:
    assert not finished(**changes).passed, what


def test_the_table_shows_times_check_counts_and_each_leftover() -> None:
    leftover = Leftover("AWS::EC2::EIP", "127.0.0.9", "tagged labkit:lab=LabEc2")
    text = rendered(
        results_table([finished(), finished(lab_id="LabAsg", leftovers=[leftover], deploy_s=None)])
    )
    assert "2.0 s" in text
    assert "PASSED (1 passed, 0 failed, 1 not verifiable)" in text
    assert "AWS::EC2::EIP 127.0.0.9" in text
    assert "failed" in text.split("LabAsg", 1)[1]


def test_the_notes_list_every_parity_fix_gap_and_in_process_step() -> None:
    aws = LocalAws()
    lab_run = finished(notes=["emulator cannot run custom resources: the bucket cleaner's code was run"])
    notes = "\n".join(emulator_notes(aws, [lab_run]))
    assert "LabEc2: emulator cannot run custom resources" in notes
    for fix in aws.parity_fixes:
        assert fix.name in notes
    for gap in aws.gaps:
        assert gap.name in notes


def test_stack_names_come_from_the_synthesized_assembly(tmp_path: Path) -> None:
    manifest = {
        "artifacts": {
            "LabEc2": {"type": "aws:cloudformation:stack", "properties": {"stackName": "alice-LabEc2"}},
            "Tree": {"type": "cdk:tree"},
        }
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert stack_names_of(tmp_path) == {"LabEc2": "alice-LabEc2"}


def test_an_unknown_lab_is_refused_before_anything_starts(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argparse.Namespace(labs=["LabGpu"], fail_fast=False)) == 2
    assert "unknown lab LabGpu" in capsys.readouterr().out


def test_a_failure_quoting_brackets_is_printed_as_written() -> None:
    failure = "destroy: `cdk destroy LabEc2` failed: [/tmp/cdk.out] [bold]not a style[/bold]"
    lines = list(emulator_notes(LocalAws(), [finished(failures=[failure])]))
    console = Console(file=io.StringIO(), width=300, color_system=None)
    for line in lines:
        console.print(line)
    assert failure in console.file.getvalue()  # type: ignore[attr-defined]
