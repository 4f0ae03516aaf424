"""DynamoDB Streams parity: a mapping polls its stream in the background, delivering batches as configured."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from tests.local_aws.services.stacks import log_lines, python_function, unique

pytestmark = pytest.mark.emulator

# prints each user it gets; fails on users named "poison" (a whole-batch error, as an uncaught exception)
CONSUMER = """
    def handler(event, context):
        users = [r["dynamodb"]["NewImage"]["userId"]["S"] for r in event["Records"]]
        print("batch", ",".join(users))
        if "poison" in users:
            raise ValueError("cannot convert poison")
"""


def eventually(probe: Callable[[], Any], *, within_s: float = 30.0) -> Any:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.25)
    return probe()


def stream_lab(session: boto3.Session, **mapping: Any) -> tuple[str, str, str]:
    """A table with a stream, a consumer logging to a group of its own, a mapping; (table, group, uuid)."""
    table = unique("users")
    stream_arn = session.client("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    group = unique("/labkit/consumer")
    session.client("logs").create_log_group(logGroupName=group)
    function = python_function(session, CONSUMER, log_group=group)
    uuid = session.client("lambda").create_event_source_mapping(
        FunctionName=function, EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON", **mapping
    )["UUID"]
    return table, group, uuid


def put_users(session: boto3.Session, table: str, *users: str) -> None:
    for user in users:
        session.client("dynamodb").put_item(TableName=table, Item={"userId": {"S": user}})


def test_a_write_returns_at_once_and_the_mapping_delivers_it_in_the_background(
    session: boto3.Session,
) -> None:
    table, group, uuid = stream_lab(session, BatchSize=10)

    started = time.monotonic()
    put_users(session, table, "ada")
    write_s = time.monotonic() - started

    assert eventually(lambda: "batch ada" in log_lines(session, group))
    assert write_s < 1.0  # the consumer ran after the write, not inside it
    mapping = session.client("lambda").get_event_source_mapping(UUID=uuid)
    assert mapping["LastProcessingResult"] == "OK"


def test_a_poison_record_is_isolated_retried_and_described_to_the_on_failure_queue(
    session: boto3.Session,
) -> None:
    sqs = session.client("sqs")
    queue_url = sqs.create_queue(QueueName=unique("failures"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    table, group, _ = stream_lab(
        session,
        BatchSize=10,
        MaximumRetryAttempts=1,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    put_users(session, table, "ada", "poison", "grace")

    messages = eventually(lambda: sqs.receive_message(QueueUrl=queue_url).get("Messages"))
    document = json.loads(messages[0]["Body"])
    # the good half of a bisected batch goes after the poison half's retries
    lines = eventually(
        lambda: [line for line in log_lines(session, group) if "grace" in line] and log_lines(session, group)
    )
    delivered = {user for line in lines if line.startswith("batch ") for user in line[6:].split(",")}
    assert {"ada", "grace"} <= delivered
    assert document["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert document["responseContext"]["functionError"] == "Unhandled"
    assert document["DDBStreamBatchInfo"]["batchSize"] == 1  # bisect isolated the poison record
    assert "Records" not in document


# prints each record's new image as the function received it
IMAGE_PRINTER = """
    import json

    def handler(event, context):
        for record in event["Records"]:
            print("image", json.dumps(record["dynamodb"]["NewImage"], sort_keys=True))
"""


def test_binary_values_reach_the_function_and_get_records_as_base64(session: boto3.Session) -> None:
    table = unique("files")
    stream_arn = session.client("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "fileId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "fileId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    group = unique("/labkit/images")
    session.client("logs").create_log_group(logGroupName=group)
    function = python_function(session, IMAGE_PRINTER, log_group=group)
    session.client("lambda").create_event_source_mapping(
        FunctionName=function, EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON"
    )
    raw = b"\x00\x01\xffhello"  # not text: a repr or a decode would show
    session.client("dynamodb").put_item(
        TableName=table,
        Item={
            "fileId": {"S": "f-1"},
            "body": {"B": raw},
            "chunks": {"BS": [raw, b"x"]},
            "meta": {"M": {"thumb": {"B": raw}}},
            "parts": {"L": [{"B": raw}]},
        },
    )

    line = eventually(lambda: [line for line in log_lines(session, group) if line.startswith("image ")])
    image = json.loads(line[0].removeprefix("image "))
    encoded = base64.b64encode(raw).decode()
    assert image["body"] == {"B": encoded}
    assert sorted(image["chunks"]["BS"]) == sorted([encoded, base64.b64encode(b"x").decode()])
    assert image["meta"] == {"M": {"thumb": {"B": encoded}}}
    assert image["parts"] == {"L": [{"B": encoded}]}
    # the stream API's own reader gets the same bytes back (boto3 decodes its base64)
    streams = session.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    new_image = streams.get_records(ShardIterator=iterator)["Records"][0]["dynamodb"]["NewImage"]
    assert new_image["body"] == {"B": raw}
