"""A report as the learner reads it: each outcome, its reason, the hint of a failure, the verdict."""

from __future__ import annotations

from rich.console import Console

from labs.checks.render import print_report
from labs.checks.report import CheckReport


def rendered(report: CheckReport) -> str:
    console = Console(record=True, width=200)
    print_report(report, console)
    return console.export_text()


def test_the_report_shows_each_outcome_its_reason_and_the_hint_of_a_failure() -> None:
    report = CheckReport("LabEc2", "alice-LabEc2")
    report.add("Instance running", True, "i-1 is running")
    report.add(
        "Elastic IP associated", False, "203.0.113.9 is not associated", hint="aws ec2 associate-address"
    )
    report.not_verifiable("Elastic IP answers ping", "ICMP seems blocked")
    report.notes.append("ran in-process")

    text = rendered(report)

    assert "LabEc2 · stack alice-LabEc2" in text
    assert "✔ Instance running — i-1 is running" in text
    assert "✘ Elastic IP associated — 203.0.113.9 is not associated" in text
    assert "hint: aws ec2 associate-address" in text
    assert "– Elastic IP answers ping (not verifiable here) — ICMP seems blocked" in text
    assert "• ran in-process" in text
    assert "FAILED (1 passed, 1 failed, 1 not verifiable here)" in text


def test_a_report_with_nothing_verified_is_not_a_pass() -> None:
    report = CheckReport("LabStepFunction", "LabStepFunction")
    report.not_verifiable("Execution", "the emulator cannot run it")

    assert "NOT VERIFIED" in rendered(report)
    assert not report.passed
