"""LabDdbStream keeps its promises: Users table + stream, private bucket, safe trigger, least privilege."""

from __future__ import annotations

from typing import Any

import pytest

from tests.synth import Template, only, props, resources, role_of, statements


@pytest.fixture(scope="module")
def ddb_template(templates: dict[str, Template]) -> Template:
    return templates["LabDdbStream"]


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


def test_trigger_bounded_bisect_partial_batch_on_failure_queue(ddb_template: Template) -> None:
    mapping = props(only(ddb_template, "AWS::Lambda::EventSourceMapping"))
    table_id = next(iter(resources(ddb_template, "AWS::DynamoDB::Table")))
    queue_id = next(iter(resources(ddb_template, "AWS::SQS::Queue")))
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert 0 <= mapping["MaximumRetryAttempts"] <= 10
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue_id, "Arn"]}


def test_writer_may_only_put_into_its_bucket_and_read_its_stream(
    ddb_template: Template, writer: dict[str, Any]
) -> None:
    bucket_id = next(iter(resources(ddb_template, "AWS::S3::Bucket")))
    table_id = next(iter(resources(ddb_template, "AWS::DynamoDB::Table")))
    queue_id = next(iter(resources(ddb_template, "AWS::SQS::Queue")))
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
    assert all(granted[a] == {"Fn::GetAtt": [table_id, "StreamArn"]} for a in stream_actions)
    assert {a for a in granted if a.startswith("sqs:")} <= {
        "sqs:SendMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
    }
    assert all(queue_id in str(granted[a]) for a in granted if a.startswith("sqs:"))
    assert {a.split(":")[0] for a in granted} == {"s3", "dynamodb", "sqs", "logs"}
    assert "*" not in [granted[a] for a in granted]


def test_failure_queue_encrypted_and_tls_only(ddb_template: Template) -> None:
    queue = props(only(ddb_template, "AWS::SQS::Queue"))
    assert queue["SqsManagedSseEnabled"] is True
    policy = props(only(ddb_template, "AWS::SQS::QueuePolicy"))["PolicyDocument"]["Statement"]
    assert any(s["Effect"] == "Deny" for s in policy)


def test_outputs(ddb_template: Template) -> None:
    outputs = ddb_template["Outputs"]
    assert "aws dynamodb put-item" in str(outputs["PutItemCommand"]["Value"])
    assert "aws s3 ls" in str(outputs["ListCsvCommand"]["Value"])
