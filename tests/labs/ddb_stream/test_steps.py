"""`labkit check LabDdbStream` grades each step of the hands-on on its own, for any function code.

The Lambda service is played by tests/fake_lambda.py: when the check waits, the stream's new records go
to the deployed function's code (the kit's writer, the learner's starter, a handler that only prints),
whose printed lines land in the function's log group between START and REPORT, as on AWS.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from csv_writer.handler import handler as kit_writer
from labs.checks.report import Outcome
from labs.ddb_stream.check import check
from labs.exercises.starters import starter
from local_aws.services import PARITY_FIXES
from tests.check_helpers import NOW, FakeClock, deploy, item, lab_tags, mocked_session, physical_id
from tests.fake_lambda import FakeLambda, Handler, load_handler
from tests.labs.ddb_stream.lab_resources import ddb_stream_lab, stream_records_of

EVENT, ROW = "Event in the function's log", "CSV row in the bucket"
# one stack for every test: each puts a user of its own, and the check looks for that user only
STACK = "graded-LabDdbStream"


def lambda_stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """get_records' records as the Lambda event a stream mapping sends: binary as base64 text, epoch times."""

    def as_json(value: object) -> object:
        if isinstance(value, bytes | bytearray):
            return base64.b64encode(value).decode("ascii")
        if isinstance(value, datetime):
            return int(value.timestamp())
        raise TypeError(f"{type(value).__name__} in a stream record")

    shaped: list[dict[str, Any]] = json.loads(json.dumps(records, default=as_json))
    return {"Records": [{**record, "eventSourceARN": stream_arn} for record in shaped]}


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    from moto.dynamodb.models.table import StreamShard

    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        mocked_session(monkeypatch, **{"lambda": {"use_docker": False}}) as mocked,
    ):
        # the emulator's parity fix: the mapping's canned invocations take no record out of the stream
        monkeypatch.setattr(StreamShard, "add", StreamShard.add)
        next(fix for fix in PARITY_FIXES if fix.name == "stream records outlive their consumers").apply()
        deploy(mocked, STACK, ddb_stream_lab(), tags=lab_tags("LabDdbStream"))
        yield mocked


@pytest.fixture(scope="module")
def starter_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The learner's handler exactly as `labkit exercise LabDdbStream` writes it."""
    return starter("LabDdbStream").write(tmp_path_factory.mktemp("my-labs"))


def print_only(starter_file: Path, folder: Path) -> Path:
    """The starter with step 1 done: it prints the event, and writes nothing yet."""
    text = starter_file.read_text(encoding="utf-8").replace(
        "    return {}", "    print(json.dumps(event))\n    return {}"
    )
    path = folder / "handler.py"
    path.write_text(text, encoding="utf-8")
    return path


def run_check(
    session: boto3.Session, owner: str, handler: Handler | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, FakeLambda | None]:
    stack = STACK
    bucket = physical_id(session, stack, "CsvWriterOutputBucket")
    monkeypatch.setenv("BUCKET_NAME", bucket)  # as the stack sets it on the function
    table = physical_id(session, stack, "Users")
    stream_arn = session.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    user_id = f"u-{owner}"
    service = (
        None
        if handler is None
        else FakeLambda(session, physical_id(session, stack, "CsvWriterFunction"), handler)
    )

    def lambda_delivers() -> None:
        records = stream_records_of(session, stream_arn, user_id)
        if service is not None and records and not service.invocations:
            service.invoke(lambda_stream_event(records, stream_arn))

    clock = FakeClock(on_sleep=lambda_delivers)
    report = check(
        session,
        stack_name=stack,
        on_emulator=False,
        waiter=clock.waiter(timeout_s=60),
        user_id=user_id,
        now=NOW,
    )
    return report, service


def test_the_kits_writer_passes_both_steps(session: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    report, service = run_check(session, "kit", kit_writer, monkeypatch)

    assert item(report, EVENT).outcome is Outcome.PASS
    assert "shows the event with u-kit" in item(report, EVENT).detail
    assert item(report, ROW).outcome is Outcome.PASS
    assert "holds u-kit (userId=u-kit" in item(report, ROW).detail
    assert service is not None
    assert len(service.invocations) == 1
    assert not report.notes  # nothing ran in-process on a real account


def test_the_starter_as_written_fails_both_steps_with_hints_that_name_them(
    session: boto3.Session, starter_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, _ = run_check(session, "starter", load_handler(starter_file), monkeypatch)

    event, row = item(report, EVENT), item(report, ROW)
    assert event.outcome is Outcome.FAIL
    assert "the function ran (RequestId:" in event.detail
    assert event.hint.startswith("Step 1 of the hands-on (print the event the table's stream sends")
    assert "print(json.dumps(event))" in event.hint
    assert row.outcome is Outcome.FAIL
    assert row.hint.startswith("Step 2 of the hands-on (write the new items to the bucket as CSV")
    assert "s3.put_object(Bucket=os.environ['BUCKET_NAME']" in row.hint
    assert not report.passed


def test_a_handler_that_only_prints_passes_step_1_and_fails_step_2(
    session: boto3.Session, starter_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, _ = run_check(session, "printer", load_handler(print_only(starter_file, tmp_path)), monkeypatch)

    assert item(report, EVENT).outcome is Outcome.PASS
    assert "log stream 2030/01/01/[$LATEST]" in item(report, EVENT).detail
    assert item(report, ROW).outcome is Outcome.FAIL
    assert "holds a CSV row with userId u-printer" in item(report, ROW).detail
    assert item(report, ROW).hint.startswith("Step 2 of the hands-on")
    assert not report.passed


def test_a_function_that_never_runs_fails_both_steps_at_the_time_limit(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, _ = run_check(session, "silent", None, monkeypatch)

    assert item(report, EVENT).outcome is Outcome.FAIL
    assert "after 60 s: no run of the function has ended" in item(report, EVENT).detail
    assert "aws logs tail /aws/lambda/graded-LabDdbStream-CsvWriterFunction" in item(report, EVENT).hint
    assert item(report, ROW).outcome is Outcome.FAIL


def test_the_shown_steps_are_the_starters_todos() -> None:
    """One list of steps: the starter's TODOs and the check's hints cannot drift apart."""
    from labs.ddb_stream.spec import STEPS

    text = starter("LabDdbStream").render(Path("my-labs"))
    assert [f"# TODO step {n}: {step}." in text for n, step in enumerate(STEPS, start=1)] == [True, True]
    assert "from aws_lambda_powertools import Logger" in text
    assert "logger = Logger()" in text


def test_a_handler_that_fails_shows_the_runtimes_error_in_both_steps(
    session: boto3.Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_event: Any, _context: Any) -> None:
        raise KeyError("NewImage")

    report, _ = run_check(session, "broken", broken, monkeypatch)

    for name in (EVENT, ROW):
        assert item(report, name).outcome is Outcome.FAIL
        assert "and failed: [ERROR] KeyError: 'NewImage'" in item(report, name).detail
