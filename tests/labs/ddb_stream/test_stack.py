"""LabDdbStream keeps its promises: Users table + stream, private bucket, safe trigger, least privilege."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pasted import run_pasted
from tests.synth import Template, only, props, resolve, resources, role_of, statements


@pytest.fixture(scope="module")
def ddb_template(templates: dict[str, Template]) -> Template:
    return templates["LabDdbStream"]


@pytest.fixture(scope="module")
def failure_queue_id(ddb_template: Template) -> str:
    """The stream's on-failure queue (the stack also has its expiry's dead-letter queue)."""
    (queue_id,) = [q for q in resources(ddb_template, "AWS::SQS::Queue") if q.startswith("StreamFailures")]
    return queue_id


@pytest.fixture(scope="module")
def writer(ddb_template: Template) -> dict[str, Any]:
    (function,) = [
        f
        for f in resources(ddb_template, "AWS::Lambda::Function").values()
        if props(f)["Handler"] == "csv_writer.handler.handler"
    ]
    return function


def test_users_table_on_demand_with_new_image_stream(ddb_template: Template) -> None:
    table = props(only(ddb_template, "AWS::DynamoDB::Table"))
    assert table["KeySchema"] == [{"AttributeName": "userId", "KeyType": "HASH"}]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert "TableName" not in table
    assert "Users" in next(iter(resources(ddb_template, "AWS::DynamoDB::Table")))


def test_bucket_private_encrypted_tls_only(ddb_template: Template) -> None:
    bucket = props(only(ddb_template, "AWS::S3::Bucket"))
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    policy = props(only(ddb_template, "AWS::S3::BucketPolicy"))["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy
    )


def test_bucket_is_emptied_by_the_stack_on_destroy(ddb_template: Template) -> None:
    (cleaner,) = resources(ddb_template, "Custom::EmptyBucketOnDelete").values()
    bucket_id = next(iter(resources(ddb_template, "AWS::S3::Bucket")))
    assert props(cleaner)["BucketName"] == {"Ref": bucket_id}


def test_writer_is_gone_before_the_cleaner_empties_the_bucket(
    ddb_template: Template, writer: dict[str, Any]
) -> None:
    (cleaner_id,) = resources(ddb_template, "Custom::EmptyBucketOnDelete")
    assert cleaner_id in writer["DependsOn"]


def test_writer_is_python_313_arm64(writer: dict[str, Any]) -> None:
    assert props(writer)["Runtime"] == "python3.13"
    assert props(writer)["Architectures"] == ["arm64"]
    assert "BUCKET_NAME" in props(writer)["Environment"]["Variables"]


def test_trigger_bounded_bisect_partial_batch_on_failure_queue(
    ddb_template: Template, failure_queue_id: str
) -> None:
    mapping = props(only(ddb_template, "AWS::Lambda::EventSourceMapping"))
    table_id = next(iter(resources(ddb_template, "AWS::DynamoDB::Table")))
    queue_id = failure_queue_id
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert 0 <= mapping["MaximumRetryAttempts"] <= 10
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue_id, "Arn"]}


def test_writer_may_only_put_into_its_bucket_and_read_its_stream(
    ddb_template: Template, writer: dict[str, Any], failure_queue_id: str
) -> None:
    bucket_id = next(iter(resources(ddb_template, "AWS::S3::Bucket")))
    table_id = next(iter(resources(ddb_template, "AWS::DynamoDB::Table")))
    granted: dict[str, Any] = {}
    for statement in statements(ddb_template, role_of(writer)):
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            granted[action] = statement["Resource"]
    s3_actions = {a for a in granted if a.startswith("s3:")}
    assert s3_actions == {"s3:PutObject"}
    assert bucket_id in str(granted["s3:PutObject"])
    stream_actions = {a for a in granted if a.startswith("dynamodb:")}
    assert stream_actions == {
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    }
    # ListStreams takes no resource: scoped to the stream, IAM would never match it
    assert granted.pop("dynamodb:ListStreams") == "*"
    assert all(granted[a] == {"Fn::GetAtt": [table_id, "StreamArn"]} for a in stream_actions & set(granted))
    assert {a for a in granted if a.startswith("sqs:")} <= {
        "sqs:SendMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
    }
    assert all(failure_queue_id in str(granted[a]) for a in granted if a.startswith("sqs:"))
    assert {a.split(":")[0] for a in granted} == {"s3", "dynamodb", "sqs", "logs"}
    assert "*" not in [granted[a] for a in granted]


def test_failure_queue_encrypted_and_tls_only(ddb_template: Template, failure_queue_id: str) -> None:
    queue = props(ddb_template["Resources"][failure_queue_id])
    assert queue["SqsManagedSseEnabled"] is True
    (policy,) = [
        props(p)["PolicyDocument"]["Statement"]
        for p in resources(ddb_template, "AWS::SQS::QueuePolicy").values()
        if props(p)["Queues"] == [{"Ref": failure_queue_id}]
    ]
    assert any(s["Effect"] == "Deny" for s in policy)


def test_outputs(ddb_template: Template) -> None:
    outputs = ddb_template["Outputs"]
    assert "aws dynamodb put-item" in str(outputs["PutItemCommand"]["Value"])
    assert "aws s3 ls" in str(outputs["ListCsvCommand"]["Value"])


def test_the_failure_queue_is_said_to_hold_batch_documents_not_records(ddb_template: Template) -> None:
    """Lambda sends a stream's on-failure destination a JSON document about the batch, not its records."""
    described = ddb_template["Outputs"]["FailedRecordsCommand"]["Description"]
    assert "not the records" in described
    assert "DDBStreamBatchInfo" in described
    assert "ReadFailedBatchCommand" in described


# a failure document as Lambda's guide shows it (services-dynamodb-errors), trimmed to what the command reads
FAILURE_DOCUMENT = {
    "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 3},
    "version": "1.0",
    "DDBStreamBatchInfo": {
        "shardId": "shardId-00000001573689847184-864758bb",
        "startSequenceNumber": "800000000003126276362",
        "endSequenceNumber": "800000000003126276363",
        "batchSize": 2,
        "streamArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Users/stream/2030-01-01T00:00:00.000",
    },
}


@pytest.fixture(scope="module")
def read_failed_batch(ddb_template: Template, failure_queue_id: str) -> str:
    queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/LabDdbStream-StreamFailures-ABC"
    command = ddb_template["Outputs"]["ReadFailedBatchCommand"]["Value"]
    return str(resolve(command, {failure_queue_id: queue_url}))


def test_read_failed_batch_command_reads_the_batchs_records_back_from_the_stream(
    read_failed_batch: str, tmp_path: Path
) -> None:
    done, calls = run_pasted(read_failed_batch, tmp_path, FAKE_BODY=json.dumps(FAILURE_DOCUMENT))

    assert done.returncode == 0, done.stderr
    assert '"eventName": "INSERT"' in done.stdout
    info = FAILURE_DOCUMENT["DDBStreamBatchInfo"]
    assert calls[0][:4] == ["sqs", "receive-message", "--queue-url", calls[0][3]]
    assert calls[0][3].endswith("/LabDdbStream-StreamFailures-ABC")
    assert calls[1] == [
        "dynamodbstreams",
        "get-shard-iterator",
        "--stream-arn",
        info["streamArn"],
        "--shard-id",
        info["shardId"],
        "--shard-iterator-type",
        "AT_SEQUENCE_NUMBER",
        "--sequence-number",
        info["startSequenceNumber"],
        "--query",
        "ShardIterator",
        "--output",
        "text",
    ]
    assert calls[2] == ["dynamodbstreams", "get-records", "--limit", "2", "--shard-iterator", "ITERATOR-1"]


def test_read_failed_batch_command_says_so_when_the_queue_is_empty(
    read_failed_batch: str, tmp_path: Path
) -> None:
    done, calls = run_pasted(read_failed_batch, tmp_path)

    assert done.stdout.strip() == "No failed batch in the queue."
    assert [call[:2] for call in calls] == [["sqs", "receive-message"]]
