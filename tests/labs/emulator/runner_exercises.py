"""A learner's own handlers on the emulator, through the real CLI: graded step by step by `labkit check`.

Not collected by `make test` yet: these need the emulator to run a function's deployed code (issue 10:
the Lambda runner, the stream's event source mapping and the Step Functions Lambda task running it, and
the checks without their in-process shortcut). Run them with `pytest tests/emulator/runner_exercises.py`;
once they pass, rename the module to test_exercises_run_code.py so every run includes it.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from labs.checks.report import CheckReport, Outcome
from labs.demo.cdk_cli import run_cdk
from labs.emulator import LocalAws
from labs.exercises.starters import starter
from labs.kit import lab
from tests.check_helpers import item

EVENT, ROW = "Event in the function's log", "CSV row in the bucket"


def deploy(local_aws: LocalAws, lab_id: str, folder: Path | None, work: Path) -> None:
    """`cdk deploy <Lab> [-c handlerCode=<folder>]` as the learner types it (the CLI synthesizes the app)."""
    context = ["-c", f"sandboxAccounts={local_aws.account_id}", "-c", f"myLabs={work}"]
    context += ["-c", f"handlerCode={folder}"] if folder else []
    run_cdk(["deploy", lab_id, "--require-approval", "never", *context], env=local_aws.env)


def graded(session: boto3.Session, lab_id: str) -> CheckReport:
    return lab(lab_id).run_check(session=session, stack_name=lab_id, on_emulator=True, timeout_s=30)


def print_only(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    return {}", "    print(json.dumps(event))\n    return {}"), encoding="utf-8"
    )


@pytest.mark.emulator
@pytest.mark.parametrize("lab_id", ["LabDdbStream", "LabStepFunction"])
def test_a_learners_handler_is_graded_step_by_step_and_the_kits_writer_passes(
    local_aws: LocalAws, session: boto3.Session, tmp_path: Path, lab_id: str
) -> None:
    run_cdk(["bootstrap", f"aws://{local_aws.account_id}/{local_aws.region}"], env=local_aws.env)
    handler = starter(lab_id).write(tmp_path)

    deploy(local_aws, lab_id, handler.parent, tmp_path)
    as_written = graded(session, lab_id)
    print_only(handler)
    deploy(local_aws, lab_id, handler.parent, tmp_path)
    printing = graded(session, lab_id)
    deploy(local_aws, lab_id, None, tmp_path)
    solution = graded(session, lab_id)

    assert item(as_written, EVENT).outcome is Outcome.FAIL
    assert item(as_written, EVENT).hint.startswith("Step 1 of the hands-on (print the")
    assert item(as_written, ROW).outcome is Outcome.FAIL
    assert item(as_written, ROW).hint.startswith("Step 2 of the hands-on (write")
    assert item(printing, EVENT).outcome is Outcome.PASS
    assert item(printing, ROW).outcome is Outcome.FAIL
    assert item(solution, EVENT).outcome is Outcome.PASS
    assert item(solution, ROW).outcome is Outcome.PASS
    assert solution.passed
