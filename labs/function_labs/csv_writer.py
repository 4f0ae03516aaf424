"""The CSV writer of labs 3 and 4: its own bucket and a function that may only put objects into it.

The function runs the kit's writer (`csv_writer.handler.handler`), or the learner's own handler
(`-c handlerCode=<dir>`: `handler.handler` from that folder) with the same role, bucket and layer.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from labs.constructs.function_facts import CodeSource
from labs.constructs.functions import LabFunction, code_asset
from labs.constructs.nag import acknowledge, arn_finding
from labs.constructs.storage import LabBucket
from labs.function_labs.facts import WRITER_ID
from labs.shared_facts import (
    KIT_WRITER_HANDLER,
    LEARNER_HANDLER,
)

CSV_WRITER_HANDLER = KIT_WRITER_HANDLER


def learner_code(folder: Path) -> lambda_.Code:
    """The learner's function code, from its folder."""
    return code_asset(CodeSource(folder))


class CsvWriter(Construct):
    """Function `csv_writer.handler.handler` (or the learner's handler) writing into a private bucket."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler_code: Path | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.output = LabBucket(self, "Output")
        self.bucket = self.output.bucket
        self.writer = LabFunction(
            self,
            WRITER_ID,
            handler=LEARNER_HANDLER if handler_code else CSV_WRITER_HANDLER,
            code=learner_code(handler_code) if handler_code else None,
            powertools=True,
            description="Writes DynamoDB stream batches or Step Functions input as CSV into the lab bucket"
            + (" (the learner's handler)" if handler_code else ""),
            timeout=Duration.seconds(30),
            environment={"BUCKET_NAME": self.bucket.bucket_name, "POWERTOOLS_LOG_LEVEL": "INFO"},
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
