"""The CSV writer of labs 3 and 4: its own bucket and a function that may only put objects into it."""

from __future__ import annotations

from aws_cdk import Duration
from constructs import Construct

from labs.constructs.functions import LabFunction
from labs.constructs.nag import acknowledge, arn_finding
from labs.constructs.storage import LabBucket

CSV_WRITER_HANDLER = "csv_writer.handler.handler"


class CsvWriter(Construct):
    """Function `csv_writer.handler.handler` writing into a private bucket of its own."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.output = LabBucket(self, "Output")
        self.bucket = self.output.bucket
        self.writer = LabFunction(
            self,
            "Writer",
            handler=CSV_WRITER_HANDLER,
            description="Writes DynamoDB stream batches or Step Functions input as CSV into the lab bucket",
            timeout=Duration.seconds(30),
            environment={"BUCKET_NAME": self.bucket.bucket_name, "LOG_LEVEL": "INFO"},
        )
        self.function = self.writer.function
        # deleted before the cleaner runs, so no late invocation refills the emptied bucket
        self.function.node.add_dependency(self.output.empty_on_delete)
        self.writer.allow(actions=["s3:PutObject"], resources=[self.bucket.arn_for_objects("*")])
        acknowledge(
            self.writer.role,
            f"AwsSolutions-IAM5[{arn_finding(self.bucket, '/*')}]",
            "Object keys are derived from each batch at run time: PutObject only, only in this bucket.",
        )
