"""The CSV writer of labs 3 and 4: its own bucket and a function that may only put objects into it.

The function runs the kit's writer (`csv_writer.handler.handler`), or the learner's own handler
(`-c handlerCode=<dir>`: `handler.handler` from that folder) with the same role, bucket and layer.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Annotations, Aws, CfnRule, CfnRuleAssertion, Duration, Fn, Stack
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
    POWERTOOLS_LAYER_NAME,
    POWERTOOLS_LAYER_REGIONS,
    powertools_layer_arn,
)

CSV_WRITER_HANDLER = KIT_WRITER_HANDLER


def powertools_region_rule(scope: Construct) -> CfnRule:
    """Refuse, before any resource is created, a region where the pinned layer is not published: the stacks
    are environment-agnostic, so the region is known only at deploy."""
    return CfnRule(
        scope,
        "PowertoolsLayerRegion",
        assertions=[
            CfnRuleAssertion(
                assert_=Fn.condition_contains(list(POWERTOOLS_LAYER_REGIONS), Aws.REGION),
                assert_description=f"The Powertools layer {POWERTOOLS_LAYER_NAME} is not published in this "
                f"region: deploy in one of {', '.join(POWERTOOLS_LAYER_REGIONS)}",
            )
        ],
    )


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
        handler_error: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if handler_error:  # this stack cannot deploy the learner's handler; the other labs still deploy
            Annotations.of(self).add_error(f"{handler_error}. Fix it and deploy again.")
        self.output = LabBucket(self, "Output")
        self.bucket = self.output.bucket
        # Powertools for AWS Lambda from the AWS-managed layer, pinned (labs/shared_facts.py)
        self.powertools = lambda_.LayerVersion.from_layer_version_arn(
            self, "Powertools", powertools_layer_arn(Stack.of(self).region)
        )
        self.region_rule = powertools_region_rule(self)
        self.writer = LabFunction(
            self,
            WRITER_ID,
            handler=LEARNER_HANDLER if handler_code else CSV_WRITER_HANDLER,
            code=learner_code(handler_code) if handler_code else None,
            layers=[self.powertools],
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
