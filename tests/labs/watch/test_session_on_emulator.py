"""One watch on the kit's emulator, through AWS's own calls: a stack as the CDK CLI deploys it (two functions
of one asset in the bootstrap bucket, CDK's asset metadata), then edits, an undo, a broken handler, a file
that does not parse, a save without a change, a stack edit, and the drift at the end, reconciled or said."""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from labs.constructs.function_facts import KIT_CODE, CodeSource
from labs.descriptor import Exercise, HandlerLoop
from labs.registry import lab
from labs.watch import events
from labs.watch.package import package
from labs.watch.session import WatchSession, code_sha256
from labs.watch.sources import Sources
from local_aws.client import LocalAws
from tests.local_aws.services.stacks import deploy, status

pytestmark = pytest.mark.emulator
HANDLER = "import json\n\n\ndef handler(event, context):\n    print(json.dumps(event))\n    return {'v': 1}\n"
ASSET = "asset.abc123"
BUCKET = "cdk-test-assets-${AWS::AccountId}-${AWS::Region}"


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


def cdk_like_zip(files: dict[str, str]) -> bytes:
    """The asset as the CDK CLI zips it: the same files, other bytes than the watch's package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle:
        for name, text in files.items():
            bundle.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 7, 10, 0, 0)), text)
    return buffer.getvalue()


def function(log_group: str) -> dict[str, object]:
    return {
        "Type": "AWS::Lambda::Function",
        "Metadata": {"aws:asset:path": ASSET, "aws:asset:property": "Code"},
        "Properties": {
            "Runtime": "python3.13",
            "Handler": "handler.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            "Code": {"S3Bucket": {"Fn::Sub": BUCKET}, "S3Key": "abc123.zip"},
            "LoggingConfig": {"LogGroup": {"Ref": log_group}},
        },
    }


@pytest.fixture
def stack(local_aws: LocalAws, session: boto3.Session) -> str:
    bucket = BUCKET.replace("${AWS::AccountId}", local_aws.account_id).replace(
        "${AWS::Region}", local_aws.region
    )
    s3 = session.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="abc123.zip", Body=cdk_like_zip({"handler.py": HANDLER}))
    trust = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]
    }
    stack_id = deploy(
        session,
        {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust}},
            "WriterLogs": {"Type": "AWS::Logs::LogGroup"},
            "CleanerLogs": {"Type": "AWS::Logs::LogGroup"},
            "WriterFunctionAB12": function("WriterLogs"),
            "CleanerFunctionCD34": function("CleanerLogs"),
        },
    )
    deadline = time.monotonic() + 60
    while status(session, stack_id) != "CREATE_COMPLETE":
        assert time.monotonic() < deadline, status(session, stack_id)
        time.sleep(0.5)
    return stack_id.split("/")[1]


@pytest.fixture
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()


def watch_of(session: boto3.Session, stack: str, folder: Path, seen: list[events.Event]) -> WatchSession:
    loop = HandlerLoop(
        functions=("WriterFunction",),
        kit_handler="handler.handler",
        kit_code=KIT_CODE,
        exercise=Exercise(
            action="invoke",
            target_type="AWS::Lambda::Function",
            target_prefix="WriterFunction",
            request=lambda user_id: {"userId": user_id},
            says="invoke the writer",
        ),
        check_items=(),
    )
    return WatchSession(
        lab=lab("LabDdbStream"),
        loop=loop,
        sources=Sources(CodeSource(folder), frozenset({folder.parent / "stack.py"})),
        session=session,
        stack_name=stack,
        expected_handler="handler.handler",
        deploy_args=["LabTest", "-c", "owner=ada"],
        on_emulator=True,
        show=seen.append,
        timeout_s=30,
        cdk=lambda args: subprocess.Popen(["echo", "✅  LabTest"], stdout=subprocess.PIPE, text=True),
    )


def of(kind: type, seen: list[events.Event]) -> list:  # type: ignore[type-arg]
    return [event for event in seen if isinstance(event, kind)]


def code_of(session: boto3.Session, stack: str) -> set[str]:
    resources = session.client("cloudformation").list_stack_resources(StackName=stack)[
        "StackResourceSummaries"
    ]
    names = [r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::Lambda::Function"]
    return {session.client("lambda").get_function_configuration(FunctionName=n)["CodeSha256"] for n in names}


def test_edits_go_live_an_undo_is_undone_and_a_broken_handler_keeps_the_loop(
    session: boto3.Session, stack: str, tmp_path: Path
) -> None:
    folder = tmp_path / "my-labs" / "LabTest"
    folder.mkdir(parents=True)
    handler = folder / "handler.py"
    handler.write_text(HANDLER)
    seen: list[events.Event] = []
    watch = watch_of(session, stack, folder, seen)
    original = package(CodeSource(folder)).code_sha256

    watch.start()
    assert "already" in of(events.Note, seen)[0].text  # the template's zip holds these very files
    assert not of(events.Live, seen)

    shown = len(seen)
    assert not watch.changed([tmp_path / "watch.log"])  # a file the lab is not built from: no round
    assert len(seen) == shown

    handler.write_text(HANDLER.replace("{'v': 1}", "{'v': 2}").replace("print(json", "print('v2', json"))
    assert watch.changed([handler, handler, folder / "sed4W4LAq"])  # an editor's temporary file, gone
    live = of(events.Live, seen)[-1]
    assert live.why == f"{handler} changed"
    assert live.confirmed
    assert len(live.functions) == 2  # the writer and the function that deploys the same asset
    assert code_of(session, stack) == {live.code_sha256}
    assert '{"v": 2}' in of(events.ExerciseDone, seen)[-1].result
    assert any(line.startswith("v2 ") for line in of(events.NewLogLines, seen)[-1].lines)

    handler.write_text(HANDLER)
    watch.changed([handler])
    undo = of(events.Live, seen)[-1]
    assert undo.code_sha256 == original
    assert undo.back_to == "the watch's start"
    assert code_of(session, stack) == {original}
    assert '{"v": 1}' in of(events.ExerciseDone, seen)[-1].result
    assert not any("v2" in line for line in of(events.NewLogLines, seen)[-1].lines)  # the last run's, not its

    handler.write_text(HANDLER.replace("return {'v': 1}", "return {'v': 1 / 0}"))
    watch.changed([handler])
    failed = of(events.HandlerFailed, seen)[-1].error
    assert failed.kind == "ZeroDivisionError"
    assert failed.where == f"{handler} line 6"

    handler.write_text(HANDLER.replace("return {'v': 1}", "return {'v': 1"))
    before = len(of(events.Live, seen))
    watch.changed([handler])
    (problem,) = of(events.NotParsing, seen)[-1].problems
    assert (problem.path, problem.line) == (handler, 6)
    assert len(of(events.Live, seen)) == before  # nothing uploaded

    handler.write_text("import no_such_package\n" + HANDLER)
    watch.changed([handler])
    assert "line 1 imports no_such_package" in of(events.Refused, seen)[-1].text  # as `cdk deploy` refuses it
    assert len(of(events.Live, seen)) == before

    handler.write_text(HANDLER)
    watch.changed([handler])
    watch.changed([handler])
    assert of(events.Unchanged, seen)

    drift = watch.finish()
    assert drift is not None
    assert drift.reconciled  # the source is the template's files again: its own zip is put back
    template_zip = cdk_like_zip({"handler.py": HANDLER})
    assert code_of(session, stack) == {code_sha256(template_zip)}


def test_an_edit_left_live_is_drift_with_the_deploy_that_reconciles_it(
    session: boto3.Session, stack: str, tmp_path: Path
) -> None:
    folder = tmp_path / "LabTest"
    folder.mkdir()
    (folder / "handler.py").write_text(HANDLER)
    seen: list[events.Event] = []
    watch = watch_of(session, stack, folder, seen)
    watch.start()
    (folder / "handler.py").write_text(HANDLER.replace("{'v': 1}", "{'v': 3}"))
    watch.changed([folder / "handler.py"])

    drift = watch.finish()

    assert drift is not None
    assert not drift.reconciled
    assert drift.command == "cdk deploy LabTest -c owner=ada"


def test_a_stack_edit_redeploys_and_exercises_again(
    session: boto3.Session, stack: str, tmp_path: Path
) -> None:
    folder = tmp_path / "LabTest"
    folder.mkdir()
    (folder / "handler.py").write_text(HANDLER)
    seen: list[events.Event] = []
    watch = watch_of(session, stack, folder, seen)
    watch.start()

    watch.changed([tmp_path / "stack.py"])

    (redeploying,) = of(events.Redeploying, seen)
    assert "stack.py changed" in redeploying.reason
    assert redeploying.command == "cdk deploy LabTest -c owner=ada --require-approval never"
    assert of(events.Redeployed, seen)[-1].ok
    assert of(events.ExerciseDone, seen)
