"""`labkit check LabDdbStream` on moto: a new user must end up as a CSV row, and the check says how."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from labs.checks.report import Outcome
from labs.ddb_stream.check import check, lambda_stream_event
from labs.emulator.parity import PARITY_FIXES
from tests.check_helpers import NOW, FakeClock, deploy, item, lab_tags, mocked_session, outcomes, physical_id

TAGS = lab_tags("LabDdbStream")
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def ddb_stream_lab() -> dict[str, Any]:
    return {
        "Users": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "KeySchema": [{"AttributeName": "userId", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "userId", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
                "Tags": TAGS,
            },
        },
        "CsvWriterOutputBucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": TAGS}},
        "CsvWriterRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": LAMBDA_TRUST},
        },
        "CsvWriterFunction": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "csv_writer.handler.handler",
                "Role": {"Fn::GetAtt": ["CsvWriterRole", "Arn"]},
                "Code": {"ZipFile": "def handler(event, context):\n    return {}\n"},
            },
        },
        "UsersStreamTrigger": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": {"Ref": "CsvWriterFunction"},
                "EventSourceArn": {"Fn::GetAtt": ["Users", "StreamArn"]},
                "StartingPosition": "TRIM_HORIZON",
                "BatchSize": 100,
            },
        },
    }


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    # the emulator's Lambda configuration: invocations answered without running code
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        mocked_session(monkeypatch, **{"lambda": {"use_docker": False}}) as mocked,
    ):
        for owner in ("consumed", "kept", "disabled"):
            deploy(mocked, f"{owner}-LabDdbStream", ddb_stream_lab(), tags=TAGS)
        yield mocked


@pytest.fixture
def stream_keeps_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator's parity fix, for this test only: a consumer takes no record out of the stream."""
    from moto.dynamodb.models.table import StreamShard

    monkeypatch.setattr(StreamShard, "add", StreamShard.add)  # restored after the test
    next(fix for fix in PARITY_FIXES if fix.name == "stream records outlive their consumers").apply()


@pytest.mark.usefixtures("stream_keeps_records")
def test_on_the_emulator_the_stream_record_goes_through_the_handler_into_s3(session: boto3.Session) -> None:
    report = check(session, stack_name="kept-LabDdbStream", on_emulator=True, user_id="u-check-2", now=NOW)

    assert outcomes(report) == {
        "Stack deployed": Outcome.PASS,
        "Auto-expiry": Outcome.NOT_VERIFIABLE,
        "Table stream": Outcome.PASS,
        "Stream trigger": Outcome.PASS,
        "User added": Outcome.PASS,
        "Stream record": Outcome.PASS,
        "Writer run by the stream trigger": Outcome.NOT_VERIFIABLE,
        "CSV writer (run in-process)": Outcome.PASS,
        "CSV row in the bucket": Outcome.PASS,
    }
    assert report.passed
    assert "INSERT record of u-check-2" in item(report, "Stream record").detail
    row = item(report, "CSV row in the bucket").detail
    assert "userId=u-check-2" in row
    assert "name=Ada Lovelace" in row
    assert any("to csv_writer.handler in this process" in note for note in report.notes)


def test_on_the_emulator_a_stream_record_that_vanished_fails(session: boto3.Session) -> None:
    """Plain moto empties the stream once its mapping delivered: the check says so, it invents nothing."""
    report = check(
        session, stack_name="consumed-LabDdbStream", on_emulator=True, user_id="u-check-1", now=NOW
    )

    assert item(report, "Stream record").outcome is Outcome.FAIL
    assert "holds no record of u-check-1" in item(report, "Stream record").detail
    assert "CSV row in the bucket" not in outcomes(report)
    assert not report.passed


def test_stream_records_become_the_lambda_event_the_mapping_sends() -> None:
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 1, 1, tzinfo=UTC),
            "NewImage": {"userId": {"S": "u1"}, "pic": {"B": b"hello"}},
        },
    }
    (shaped,) = lambda_stream_event([record], "arn:aws:dynamodb:us-east-1:1:table/Users/stream/x")["Records"]
    assert shaped["eventSourceARN"] == "arn:aws:dynamodb:us-east-1:1:table/Users/stream/x"
    assert shaped["dynamodb"]["NewImage"]["pic"] == {"B": "aGVsbG8="}
    assert shaped["dynamodb"]["ApproximateCreationDateTime"] == 1767225600


def test_a_disabled_trigger_fails_without_waiting_for_a_row(session: boto3.Session) -> None:
    mapping = physical_id(session, "disabled-LabDdbStream", "UsersStreamTrigger")
    session.client("lambda").update_event_source_mapping(UUID=mapping, Enabled=False)

    clock = FakeClock()

    report = check(
        session,
        stack_name="disabled-LabDdbStream",
        on_emulator=False,
        waiter=clock.waiter(),
        user_id="u-check-5",
        now=NOW,
    )

    trigger = item(report, "Stream trigger")
    assert trigger.outcome is Outcome.FAIL
    assert "Disabled" in trigger.detail
    assert "--enabled" in trigger.hint
    assert item(report, "Event in the function's log").detail.startswith("not awaited")
    assert item(report, "CSV row in the bucket").detail.startswith("not awaited")
    assert clock.sleeps == 0
