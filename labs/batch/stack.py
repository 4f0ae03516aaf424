"""LabBatch: an array job of ten children on Fargate ARM64, each reading one input from the lab's bucket and
writing one result, in a NAT-free VPC, with no Docker on the learner's machine."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from labs.batch import spec
from labs.batch.constructs import ArrayChild, FargateCapacity, InputSet
from labs.constructs.lab_stack import LabStack
from labs.constructs.network import LabVpc
from labs.settings import LabSettings


class LabBatchStack(LabStack):
    """LabBatch: Fargate compute environment, job queue, job definition and the input set."""

    def __init__(self, scope: Construct, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            spec.LAB_ID,
            settings=settings,
            description=f"an array job of {spec.ARRAY_SIZE} children on Fargate ARM64 over inputs in S3",
        )
        # public subnets and a public IP per task instead of a NAT gateway ($0.045/h) or three endpoints
        self.network = LabVpc(self, "Network", subnet_type=ec2.SubnetType.PUBLIC)
        self.capacity = FargateCapacity(
            self, "Fargate", vpc=self.network.vpc, subnets=self.network.subnets, max_vcpus=spec.MAX_VCPUS
        )
        self.inputs = InputSet(self, "Inputs", objects=spec.input_set())
        self.child = ArrayChild(self, "Child", bucket=self.inputs.bucket)
        self._build_outputs()

    def _build_outputs(self) -> None:
        queue = self.capacity.queue.job_queue_arn
        definition = self.child.job_definition.job_definition_arn
        bucket = self.inputs.bucket.bucket_name
        group = self.child.log_group.log_group_name
        self.output("JobQueue", queue, "The job queue")
        self.output("JobDefinition", definition, "The child's job definition (its latest revision)")
        self.output(
            "BucketName", bucket, f"The inputs ({spec.INPUT_PREFIX}) and the results ({spec.RESULT_PREFIX})"
        )
        self.output("LogGroup", group, "Where each child's attempt logs")
        self.output(
            "SubmitCommand",
            f"JOB=$(aws batch submit-job --job-name {spec.JOB_NAME} --job-queue {queue} "
            f"--job-definition {definition} --array-properties size={spec.ARRAY_SIZE} --query jobId "
            "--output text) && echo $JOB",
            f"Submit the array job: {spec.ARRAY_SIZE} children, one per input (keeps its id in $JOB)",
        )
        self.output(
            "WatchCommand",
            "aws batch describe-jobs --jobs $JOB --query "
            "'jobs[0].[status,arrayProperties.statusSummary]' --output json",
            "The array job's status and how many children are in each state (run it again to watch)",
        )
        self.output(
            "ChildrenCommand",
            "for s in RUNNABLE STARTING RUNNING SUCCEEDED FAILED; do aws batch list-jobs --array-job-id $JOB "
            "--job-status $s --query 'jobSummaryList[].[jobId,status,statusReason]' --output text; done",
            "Each child with its state (list-jobs shows one state at a time)",
        )
        self.output(
            "ChildLogCommand",
            f"aws logs get-log-events --log-group-name {group} --log-stream-name $(aws batch describe-jobs "
            "--jobs $JOB:0 --query 'jobs[0].container.logStreamName' --output text) "
            "--query 'events[].message' --output text",
            "What child 0 printed (its log stream is named child/default/<ECS task id>)",
        )
        self.output(
            "ResultsCommand",
            f"aws s3 ls s3://{bucket}/{spec.RESULT_PREFIX}",
            f"One result per child: {spec.RESULT_PREFIX}part-0000.csv ... part-{spec.ARRAY_SIZE - 1:04d}.csv",
        )
