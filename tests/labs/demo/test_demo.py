"""What `labkit demo` reports: a lab passes only when each step of its life happened, leaving nothing."""

from __future__ import annotations

import argparse
import io
import json
from contextlib import ExitStack
from pathlib import Path

import pytest
from rich.console import Console

from labs.checks.report import CheckReport
from labs.demo.command import aws_account, run
from labs.demo.emulator_or_account import EmulatorTarget, image_parameters
from labs.demo.landing_zone import LandingZone
from labs.demo.rehearsal import stack_names_of
from labs.demo.results import results_table, run_notes
from labs.demo.runs import CHECK, RECHECK, STEPS, LabRun
from labs.leftovers.model import Leftover
from labs.settings import SettingsError
from local_aws.client import LocalAws


def report(*, verified: bool, failed: bool = False) -> CheckReport:
    checked = CheckReport(lab_id="LabEc2", stack_name="LabEc2")
    checked.not_verifiable("Elastic IP answers ping", "the emulator's address is not on any network")
    if verified:
        checked.add("Instance running", True, "i-1 is running")
    if failed:
        checked.add("Data disk", False, "no data disk")
    return checked


def finished(lab_id: str = "LabEc2") -> LabRun:
    lab_run = LabRun(lab_id, lab_id, leftovers=[])
    for step in STEPS:
        lab_run.done(step, 2.0, f"{step} detail")
    lab_run.reports = {CHECK: report(verified=True), RECHECK: report(verified=True)}
    return lab_run


def rendered(*lines: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    for line in lines:
        console.print(line)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_a_lab_passes_when_every_step_of_its_life_happened_and_left_nothing() -> None:
    assert finished().passed


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("only unverifiable check items", lambda r: r.reports.update({CHECK: report(verified=False)})),
        (
            "a failed item on the check after the redeploy",
            lambda r: r.reports.update({RECHECK: report(verified=True, failed=True)}),
        ),
        ("a redeploy that failed", lambda r: r.fail("redeploy", "UPDATE_ROLLBACK_COMPLETE")),
        ("an expiry that never ran", lambda r: r.steps.pop("expiry")),
        ("a leftover", lambda r: setattr(r, "leftovers", [Leftover("AWS::EC2::EIP", "127.0.0.1", "tagged")])),
        ("no leftover scan", lambda r: setattr(r, "leftovers", None)),
    ],
)
def test_a_lab_fails_on(what: str, change: object) -> None:
    lab_run = finished()
    change(lab_run)  # type: ignore[operator]
    assert not lab_run.passed, what


def test_the_table_shows_each_step_and_comes_with_the_verdict_as_its_last_line() -> None:
    failing = finished("LabAsg")
    failing.fail("redeploy", "the redeploy did not move the expiry")
    text = rendered(results_table([finished(), failing], caption="FAILED in 40 s"))

    assert "Redeploy" in text
    assert "Recheck" in text
    assert "2.0 s" in text
    assert "✘ failed" in text.split("LabAsg", 1)[1]
    assert text.strip().splitlines()[-1].strip() == "FAILED in 40 s"


def test_the_notes_give_each_step_detail_the_failures_and_the_emulator_gaps() -> None:
    aws = LocalAws()
    failing = finished()
    failing.fail("expiry", "its expiry delete failed: [bold]not a style[/bold]")
    notes = rendered(*run_notes(EmulatorTarget(aws), [failing], verbose=False))
    verbose = rendered(*run_notes(EmulatorTarget(aws), [finished()], verbose=True))

    assert "LabEc2 redeploy: redeploy detail" in notes
    assert "its expiry delete failed: [bold]not a style[/bold]" in notes  # printed as written
    for gap in aws.gaps:
        assert gap.name in notes
    assert f"{len(aws.parity_fixes)} AWS parity fixes" in notes
    for fix in aws.parity_fixes:
        assert fix.name in verbose


def test_the_redeploy_finds_the_image_parameters_a_template_resolves() -> None:
    template = {
        "Parameters": {
            "SsmImage": {
                "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                "Default": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64",
            },
            "BootstrapVersion": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": "/cdk-bootstrap/x/version",
            },
        }
    }
    assert image_parameters(template) == ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64"]


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
    arguments = argparse.Namespace(
        labs=["LabGpu"],
        fail_fast=False,
        context=[],
        toolkit_stack_name=None,
        aws=False,
        step_timeout=None,
        verbose=False,
    )
    assert run(arguments) == 2
    assert "unknown lab LabGpu" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("sandbox", "message"), [("", "list your sandbox accounts"), ("111111111111", "refusing")]
)
def test_the_aws_rehearsal_refuses_an_account_that_is_not_a_listed_sandbox(
    sandbox: str, message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.check_helpers import mocked_session

    monkeypatch.chdir(tmp_path)  # no cdk.json here: only -c sandboxAccounts counts
    landing_zone = LandingZone.from_options([f"sandboxAccounts={sandbox}"])
    with mocked_session(monkeypatch), pytest.raises(SettingsError, match=message), ExitStack() as stack:
        aws_account(landing_zone, ("LabDdbStream",))(stack)
