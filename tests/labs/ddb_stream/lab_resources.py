"""LabDdbStream's resources as a hand-written template for moto, and its stream read back as the mapping
reads it: what the lab's check tests (test_check.py, test_steps.py, tests/labs/checks/) deploy and read."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from tests.check_helpers import lab_tags

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
