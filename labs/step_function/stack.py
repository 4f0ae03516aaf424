"""LabStepFunction: Wait 5 seconds, invoke the CSV writer, Succeed (or Fail after retries)."""

from __future__ import annotations

import json

from aws_cdk import Duration, Fn
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from labs.constructs.lab_stack import LabStack
from labs.constructs.log_groups import lab_log_group
from labs.constructs.nag import acknowledge, arn_finding
from labs.function_labs.csv_writer import CsvWriter
from labs.function_labs.facts import CSV_WRITER_ID
from labs.settings import LabSettings
from labs.step_function.spec import LAB_ID, SAMPLE_INPUT, WAIT_SECONDS

# a name per run ($RANDOM parts two runs of one second); unnamed, moto's executor calls every run "None"
EXECUTION_NAME = '"run-$(date +%Y%m%d-%H%M%S)-$RANDOM"'


class LabStepFunctionStack(LabStack):
    """LabStepFunction: a state machine that calls the CSV writer function."""

    def __init__(self, scope: Construct, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            LAB_ID,
            settings=settings,
            description="a state machine: Wait 5 seconds, then call the CSV writer Lambda, then Succeed",
        )
        # its own writer and bucket, so this lab deploys and destroys without LabDdbStream
        self.csv_writer = CsvWriter(
            self,
            CSV_WRITER_ID,
            handler_code=settings.handler_code,
        )

        write_csv = tasks.LambdaInvoke(
            self,
            "WriteCsv",
            lambda_function=self.csv_writer.function,
            payload_response_only=True,
            retry_on_service_exceptions=False,
            task_timeout=sfn.Timeout.duration(Duration.seconds(30)),
        )
        write_csv.add_retry(
            errors=[
                "Lambda.ServiceException",
                "Lambda.AWSLambdaException",
                "Lambda.SdkClientException",
                "Lambda.TooManyRequestsException",
            ],
            interval=Duration.seconds(2),
            max_attempts=3,
            backoff_rate=2,
        )
        write_csv.add_catch(
            sfn.Fail(
                self, "WriteFailed", error="CsvWriteFailed", cause="The CSV writer failed after retries"
            ),
            result_path="$.error",
        )
        definition = (
            sfn.Wait(self, "WaitFiveSeconds", time=sfn.WaitTime.duration(Duration.seconds(WAIT_SECONDS)))
            .next(write_csv)
            .next(sfn.Succeed(self, "Done"))
        )
        # the /aws/vendedlogs/ prefix keeps each deploy out of the account's size-capped logs resource
        # policy, which learners sharing one account would fill; the stack id's suffix keeps it unique
        unique_suffix = Fn.select(2, Fn.split("/", self.stack_id))
        self.log_group = lab_log_group(
            self,
            "StateMachineLogs",
            log_group_name=Fn.join("", ["/aws/vendedlogs/states/", self.stack_name, "-", unique_suffix]),
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            timeout=Duration.minutes(5),
            # X-Ray (Control Tower's CT.STEPFUNCTIONS.PR.2): a lab's few traces stay in X-Ray's free tier
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=True
            ),
        )
        acknowledge(
            self.state_machine.role,
            f"AwsSolutions-IAM5[{arn_finding(self.csv_writer.function, ':*')}]",
            "Invoke is granted on the writer and its versions or aliases (`:*`), nothing else.",
        )
        acknowledge(
            self.state_machine.role,
            "AwsSolutions-IAM5[Resource::*]",
            "CloudWatch Logs delivery actions for state machine logging and X-Ray's trace upload actions "
            "do not support resource-level permissions.",
        )

        arn = self.state_machine.state_machine_arn
        self.output("StateMachineArn", arn, "The state machine")
        self.output("BucketName", self.csv_writer.bucket.bucket_name, "Where the CSV files land")
        self.output(
            "LogsCommand",
            f"aws logs tail {self.csv_writer.writer.log_group.log_group_name} --since 1h --follow",
            "What the writer printed for each execution's input (Ctrl-C to stop)",
        )
        self.output(
            "StartExecutionCommand",
            f"aws stepfunctions start-execution --state-machine-arn {arn} --name {EXECUTION_NAME} "
            f"--input '{json.dumps(SAMPLE_INPUT, separators=(',', ':'))}'",
            "Start an execution with a sample user, under a name of its own",
        )
        self.output(
            "ShowResultCommand",
            "aws stepfunctions describe-execution --query '[status,output]' --execution-arn "
            f'"$(aws stepfunctions list-executions --state-machine-arn {arn} --max-results 1 '
            "--query 'executions[0].executionArn' --output text)\"",
            "Status and output (bucket, key, rows) of the latest execution",
        )
