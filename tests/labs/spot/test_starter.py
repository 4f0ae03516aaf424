"""The LabSpot starter asks for what the check's --interrupt starts: an FIS experiment template (step 4), and
says how to interrupt without one; step 3 warns that a log resource policy is account-wide."""

from __future__ import annotations

from pathlib import Path

from labs.exercises.starters import starter


def test_step_4_asks_for_the_fis_template_and_says_how_to_interrupt_without_it(tmp_path: Path) -> None:
    text = starter("LabSpot").write(tmp_path).read_text(encoding="utf-8")
    step_4 = text.split("# TODO step 4:", 1)[1]

    assert "add an AWS FIS experiment template" in step_4.splitlines()[0]
    assert "fis.CfnExperimentTemplate(" in step_4
    assert 'action_id="aws:ec2:send-spot-instance-interruptions"' in step_4
    assert "about $0.20 a run" in step_4
    assert 'Without the template the check says "not attempted"' in step_4
    assert "labkit emulator interrupt <instance-id>" in step_4
    assert "account-wide (10 per region)" in text.split("# TODO step 3:", 1)[1]
