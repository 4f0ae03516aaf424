"""`labkit check LabColdStart` on the kit's emulator, against the lab as synthesized: the kit's handler and a
learner's (`-c handlerCode`), deployed once each; the check forces its cold starts as the hands-on does.

The same code gets the same grade every time (five checks in a row each); a failed or timed-out invocation
shows its error, the line it came from and the real log group's command; a hint names what the code lacks.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from labs import cli
from labs.cdk_json import feature_flags
from labs.checks.report import CheckReport, Outcome
from labs.checks.waiting import Waiter
from labs.coldstart.check import check
from labs.coldstart.deployed import lab_functions
from labs.deployed.stack import load_stack
from labs.exercises.starters import starter
from labs.registry import lab
from labs.settings import LabSettings
from local_aws.client import LocalAws
from tests.check_helpers import _no_progress as quiet
from tests.check_helpers import item
from tests.synth import CDK_GROUP, scratch_dir

# it synthesizes in-process: on the one worker that holds the jsii kernel, its tests in order
pytestmark = [pytest.mark.emulator, CDK_GROUP]
RUNS = 5
BIN = Path(__file__).resolve().parents[3] / ".venv" / "bin"
# the starter's handler as written, and step 1 done the way its TODO says
STARTER_HANDLER = 'def handler(event, context):\n    print("invoked", PROFILE)\n'
STEP_1_DONE = '@logger.inject_lambda_context\ndef handler(event, context):\n    logger.info("invoked")\n'


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


@pytest.fixture(scope="module")
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()


def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def deploy(session: boto3.Session, settings: LabSettings) -> str:
    """LabColdStart synthesized with these settings and created as `cdk deploy` would: its functions' code
    uploaded from the assembly's assets; returns the stack's name."""
    from aws_cdk import App

    app = App(outdir=scratch_dir(), context=feature_flags())
    stack = lab("LabColdStart").stack()(app, settings=settings)
    assembly = app.synth()
    template: dict[str, Any] = assembly.get_stack_by_name(stack.stack_name).template
    # what only a CDK-bootstrapped account has (its version check)
    template.pop("Rules", None)
    template["Parameters"].pop("BootstrapVersion")
    s3 = session.client("s3")
    bucket = f"assets-{stack.stack_name.lower()}"
    s3.create_bucket(Bucket=bucket)
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Lambda::Function" and "S3Key" in resource["Properties"]["Code"]:
            key = resource["Properties"]["Code"]["S3Key"]
            folder = Path(assembly.directory) / f"asset.{key.removesuffix('.zip')}"
            s3.put_object(Bucket=bucket, Key=key, Body=zipped(folder))
            resource["Properties"]["Code"] = {"S3Bucket": bucket, "S3Key": key}
    cloudformation = session.client("cloudformation")
    cloudformation.create_change_set(
        StackName=stack.stack_name,
        ChangeSetName="deploy",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(template),
        Capabilities=["CAPABILITY_IAM"],
    )
    cloudformation.execute_change_set(StackName=stack.stack_name, ChangeSetName="deploy")
    status = cloudformation.describe_stacks(StackName=stack.stack_name)["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE"
    return stack.stack_name


def learner_folder(root: Path, handler: str) -> Path:
    """The starter of `labkit exercise LabColdStart`, its handler replaced by `handler`."""
    path = starter("LabColdStart").write(root)
    text = path.read_text(encoding="utf-8")
    assert STARTER_HANDLER in text
    path.write_text(text.replace(STARTER_HANDLER, handler), encoding="utf-8")
    return path.parent


@pytest.fixture(scope="module")
def kit_stack(session: boto3.Session) -> str:
    return deploy(session, LabSettings(now=datetime.now(UTC)))


@pytest.fixture(scope="module")
def learner_stack(session: boto3.Session, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A learner's handler with step 1 done and step 2 not: the heavy profile builds nothing at init."""
    folder = learner_folder(tmp_path_factory.mktemp("my-labs"), STEP_1_DONE)
    settings = LabSettings(owner="learner", now=datetime.now(UTC), handler_code=folder.resolve())
    return deploy(session, settings)


def run_check(session: boto3.Session, stack_name: str) -> CheckReport:
    waiter = Waiter(timeout_s=30.0, poll_s=0.2, sleep=time.sleep, clock=time.monotonic, progress=quiet)
    return check(session, stack_name=stack_name, on_emulator=True, waiter=waiter)


def verdicts(report: CheckReport) -> dict[str, Outcome]:
    return {i.name: i.outcome for i in report.items}


def replace_code(
    session: boto3.Session, stack_name: str, handler_source: str, *, timeout_s: int = 10
) -> None:
    """What `cdk deploy --hotswap` does with an edited handler: new code in all three functions."""
    stack = load_stack(session, stack_name)
    assert stack is not None
    awslambda = session.client("lambda")
    functions, _ = lab_functions(awslambda, stack)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("handler.py", handler_source)
    for function in functions:
        awslambda.update_function_code(FunctionName=function.name, ZipFile=archive.getvalue())
        awslambda.update_function_configuration(FunctionName=function.name, Timeout=timeout_s)


def test_the_kits_handler_passes_the_same_way_five_times_in_a_row(
    session: boto3.Session, kit_stack: str
) -> None:
    reports = [run_check(session, kit_stack) for _ in range(RUNS)]

    for report in reports:
        assert report.passed, [(i.name, i.detail) for i in report.items]
        assert item(report, "Heavy init").detail.startswith("median Init Duration of 3 cold starts each")
    assert len({json.dumps(verdicts(r), default=str) for r in reports}) == 1


def test_a_learners_handler_with_step_2_undone_fails_heavy_init_five_times_in_a_row(
    session: boto3.Session, learner_stack: str
) -> None:
    reports = [run_check(session, learner_stack) for _ in range(RUNS)]

    for report in reports:
        heavy = item(report, "Heavy init")
        assert heavy.outcome is Outcome.FAIL, heavy.detail
        assert heavy.hint.startswith("Step 2 of the hands-on (")
        assert "nothing heavy runs at init yet" in heavy.hint
        assert "import boto3 and create its clients at module level, not inside the handler" in heavy.hint
        assert item(report, "Cold start").outcome is Outcome.PASS
        assert item(report, "Invocations").outcome is Outcome.PASS
    assert len({json.dumps(verdicts(r), default=str) for r in reports}) == 1


def test_print_under_the_decorator_gets_the_hint_to_log_with_powertools(
    session: boto3.Session, learner_stack: str
) -> None:
    decorated_print = '@logger.inject_lambda_context\ndef handler(event, context):\n    print("invoked")\n'
    source = f"from aws_lambda_powertools import Logger\nlogger = Logger()\n\n{decorated_print}"
    replace_code(session, learner_stack, source)

    cold = item(run_check(session, learner_stack), "Cold start")

    assert cold.outcome is Outcome.FAIL
    assert "cold_start: none logged" in cold.detail
    assert 'log with Powertools\' logger.info("invoked") instead' in cold.hint
    assert not cold.hint.split("instead")[0].endswith("inject the Lambda context")


def outputs_of(session: boto3.Session, stack_name: str) -> dict[str, str]:
    stack = session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def pasted(local_aws: LocalAws, command: str) -> str:
    """What an output's command prints, pasted into a shell with the emulator's exports and the venv's aws."""
    environment = {**local_aws.env, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", command], env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_a_handler_that_raises_shows_its_error_line_and_the_real_log_group(
    local_aws: LocalAws,
    session: boto3.Session,
    learner_stack: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replace_code(
        session, learner_stack, 'import os\n\n\ndef handler(event, context):\n    raise ValueError("boom")\n'
    )

    report = run_check(session, learner_stack)
    outputs = outputs_of(session, learner_stack)
    invoked = pasted(local_aws, outputs["InvokeLightCommand"])
    last = pasted(local_aws, outputs["LastReportsCommand"])
    capsys.readouterr()
    # wide enough that no cell wraps, whatever the terminal running the tests says
    monkeypatch.setenv("COLUMNS", "240")
    with local_aws.patched_environ():
        table_status = cli.main(["coldstart", "--stack", learner_stack, "--invoke", "1"])
    table = capsys.readouterr().out

    invocations = item(report, "Invocations")
    assert invocations.outcome is Outcome.FAIL
    assert "light 128 MB: ValueError: boom (handler.py line 5) (1 of 1 failed)" in invocations.detail
    assert "aws logs tail <group>" not in invocations.hint
    assert "aws logs tail LabColdStart" not in invocations.hint
    assert f"aws logs tail {learner_stack}-Light" in invocations.hint
    assert item(report, "Heavy init").outcome is Outcome.FAIL
    assert "fix the failing invocations" in item(report, "Heavy init").hint
    # the printed outputs show the error where the learner looks, not only REPORT lines
    assert "[ERROR] ValueError: boom" in invoked
    assert "Traceback (most recent call last):" in invoked
    assert "REPORT RequestId" in invoked
    assert "[ERROR] ValueError: boom" in last
    # `labkit coldstart` marks the failed invocations and fails with the one it just made
    assert "FAILED: ValueError: boom" in table, table
    assert "× failed" in table
    assert table_status == 1


def test_a_handler_that_times_out_says_so_and_never_counts_as_a_sample(
    session: boto3.Session, learner_stack: str
) -> None:
    replace_code(
        session,
        learner_stack,
        "import time\n\n\ndef handler(event, context):\n    time.sleep(30)\n",
        timeout_s=1,
    )

    report = run_check(session, learner_stack)

    invocations = item(report, "Invocations")
    assert "light 128 MB: timed out after 1 s (1 of 1 failed)" in invocations.detail
    assert invocations.hint.startswith("the handler ran past the function's 1 s timeout")
    heavy = item(report, "Heavy init")
    assert heavy.outcome is Outcome.FAIL
    assert heavy.detail.startswith("0 light and 0 heavy cold starts succeeded")


def test_the_kits_table_shows_the_latest_cold_start_and_what_it_just_invoked(
    local_aws: LocalAws,
    kit_stack: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    with local_aws.patched_environ():
        status = cli.main(["coldstart", "--stack", kit_stack, "--invoke", "2", "--last", "1"])
    light = [line for line in capsys.readouterr().out.splitlines() if line.startswith("│ light 128 MB")]

    assert status == 0
    # this run's two invocations and alias live's, though the window holds one, and the latest cold start
    numbers = [int(line.split("│")[2]) for line in light]
    assert numbers[-3:] == list(range(numbers[-1] - 2, numbers[-1] + 1))
    assert any("│ cold" in line for line in light)
    assert all(line.rstrip(" │").endswith("ok") for line in light)


def test_the_expiry_hint_fires_the_learners_own_stack(
    local_aws: LocalAws, session: boto3.Session, learner_stack: str, capsys: pytest.CaptureFixture[str]
) -> None:
    detail = item(run_check(session, learner_stack), "Auto-expiry").detail
    command = detail.split("`")[1]
    capsys.readouterr()

    with local_aws.patched_environ():
        by_owner = cli.main(command.split()[1:])
        by_owner_printed = capsys.readouterr().out
        by_name = cli.main(["emulator", "expire", "LabColdStart", "--stack", learner_stack])

    assert command == "labkit emulator expire LabColdStart --owner learner"
    # the learner's stack, not LabColdStart's (deployed here without the bootstrap's execution role, its
    # delete is refused as AWS refuses it: which schedule fires is what this test is about)
    assert "Fired learner-LabColdStart's expiry schedule" in by_owner_printed
    assert "Fired learner-LabColdStart's expiry schedule" in capsys.readouterr().out
    assert {by_owner, by_name} <= {0, 1}
