"""`labkit check LabDdbStream` on moto: the lab's parts; its two steps are graded in test_steps.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from labs.checks.report import Outcome
from labs.ddb_stream.check import check
from tests.check_helpers import NOW, FakeClock, deploy, item, lab_tags, mocked_session, physical_id

TAGS = lab_tags("LabDdbStream")
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def stream_records_of(session: boto3.Session, stream_arn: str, user_id: str) -> list[dict[str, Any]]:
    """The stream's records of one user, read as the event source mapping reads them."""
    # botocore 1.44 sends StreamArn calls to an account-based endpoint that moto does not route
    streams: Any = session.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
    shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"].get("Shards", [])
    found = []
    for shard in shards:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        for record in streams.get_records(ShardIterator=iterator).get("Records", []):
            if record["dynamodb"]["Keys"]["userId"]["S"] == user_id:
                found.append(record)
    return found


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
        for owner in ("disabled",):
            deploy(mocked, f"{owner}-LabDdbStream", ddb_stream_lab(), tags=TAGS)
        yield mocked


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
