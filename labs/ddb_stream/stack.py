"""LabDdbStream: a `Users` table whose stream triggers the CSV writer, which writes the new items to S3."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from labs.constructs.lab_stack import LabStack
from labs.constructs.nag import acknowledge
from labs.ddb_stream.spec import (
    LAB_ID,
    PARTITION_KEY,
    SAMPLE_ITEM,
    STREAM_BATCH_SIZE,
    STREAM_RETRY_ATTEMPTS,
)
from labs.function_labs.csv_writer import CsvWriter
from labs.function_labs.facts import CSV_WRITER_ID
from labs.settings import LabSettings

# DDBStreamBatchInfo as Lambda's docs show it (services-dynamodb-errors): the batch's shard and first record
_BATCH_FIELDS = (
    "import json,sys; b=json.load(sys.stdin)['DDBStreamBatchInfo']; "
    "print(b['streamArn'], b['shardId'], b['startSequenceNumber'], b['batchSize'])"
)


def read_failed_batch_command(queue_url: str) -> str:
    """A bash command: one failure document from the queue, then its batch's records from the stream."""
    iterator = (
        'aws dynamodbstreams get-shard-iterator --stream-arn "$stream" --shard-id "$shard" '
        '--shard-iterator-type AT_SEQUENCE_NUMBER --sequence-number "$seq" '
        "--query ShardIterator --output text"
    )
    receive = f"aws sqs receive-message --queue-url {queue_url} --query 'Messages[0].Body' --output text"
    return (
        f'doc="$({receive})"; '
        "if [ \"$doc\" = None ]; then echo 'No failed batch in the queue.'; else "
        f'read -r stream shard seq size <<< "$(printf \'%s\' "$doc" | python3 -c "{_BATCH_FIELDS}")" && '
        f'aws dynamodbstreams get-records --limit "$size" --shard-iterator "$({iterator})"; fi'
    )


class LabDdbStreamStack(LabStack):
    """LabDdbStream: a DynamoDB table whose stream feeds the CSV writer function."""

    def __init__(self, scope: Construct, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            LAB_ID,
            settings=settings,
            description="a Users table whose stream triggers a Lambda that writes new items as CSV into S3",
        )
        self.table = dynamodb.Table(
            self,
            "Users",
            partition_key=dynamodb.Attribute(name=PARTITION_KEY, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            stream=dynamodb.StreamViewType.NEW_IMAGE,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            removal_policy=RemovalPolicy.DESTROY,
        )
        acknowledge(
            self.table,
            "AwsSolutions-DDB3",
            "The table holds a few test users for an hour and is deleted with the lab: "
            "point-in-time recovery would protect nothing.",
        )
        self.csv_writer = CsvWriter(
            self,
            CSV_WRITER_ID,
            handler_code=settings.handler_code,
        )

        # records that still fail after the bounded retries land here instead of blocking the shard
        self.failures = sqs.Queue(
            self,
            "StreamFailures",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(4),
            # SQS's default, stated: marks the queue as a dead-letter target (Control Tower's CT.SQS.PR.1)
            redrive_allow_policy=sqs.RedriveAllowPolicy(redrive_permission=sqs.RedrivePermission.ALLOW_ALL),
            removal_policy=RemovalPolicy.DESTROY,
        )
        acknowledge(
            self.failures,
            "AwsSolutions-SQS3",
            "This queue is itself the stream's on-failure destination; nothing consumes it automatically.",
        )
        stream_arn = self.table.table_stream_arn
        if stream_arn is None:  # pragma: no cover - the table above always has a stream
            raise RuntimeError("the Users table must have a stream")
        self.csv_writer.writer.allow(
            actions=["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
            resources=[stream_arn],
        )
        # ListStreams takes no resource (Service Authorization Reference); CDK's grant_stream_read does so too
        self.csv_writer.writer.allow(actions=["dynamodb:ListStreams"], resources=["*"])
        acknowledge(
            self.csv_writer.writer.role,
            "AwsSolutions-IAM5[Resource::*]",
            "dynamodb:ListStreams supports no resource-level permission; it lists stream ARNs, no data.",
        )
        self.trigger = lambda_.EventSourceMapping(
            self,
            "UsersStreamTrigger",
            target=self.csv_writer.function,
            event_source_arn=stream_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=STREAM_BATCH_SIZE,
            retry_attempts=STREAM_RETRY_ATTEMPTS,
            bisect_batch_on_error=True,
            max_record_age=Duration.hours(1),
            report_batch_item_failures=True,
            on_failure=event_sources.SqsDlq(self.failures),
        )
        # the role's stream permissions must exist before Lambda validates the mapping
        self.trigger.node.add_dependency(self.csv_writer.writer.role)

        table, bucket = self.table.table_name, self.csv_writer.bucket.bucket_name
        self.output("TableName", table, "The Users table")
        self.output("BucketName", bucket, "Where the CSV files land")
        self.output(
            "PutItemCommand",
            f"aws dynamodb put-item --table-name {table} --item '{SAMPLE_ITEM}'",
            "Create a user: the stream triggers the CSV writer",
        )
        self.output("ListCsvCommand", f"aws s3 ls s3://{bucket}/ --recursive", "List the CSV files")
        self.output(
            "LogsCommand",
            f"aws logs tail {self.csv_writer.writer.log_group.log_group_name} --since 1h --follow",
            "What the writer printed: each event it received, then what it wrote (Ctrl-C to stop)",
        )
        self.output(
            "FailedRecordsCommand",
            f"aws sqs receive-message --queue-url {self.failures.queue_url}",
            "Lambda's JSON document about each batch that still failed after the retries (shard and sequence "
            "numbers in DDBStreamBatchInfo), not the records: ReadFailedBatchCommand reads them back",
        )
        self.output(
            "ReadFailedBatchCommand",
            read_failed_batch_command(self.failures.queue_url),
            "The records of one failed batch, read back from the stream (within its 24 h retention)",
        )
