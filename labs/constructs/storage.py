"""The lab bucket: private, encrypted, TLS only, and emptied by the stack itself on `cdk destroy`."""

from __future__ import annotations

from aws_cdk import CustomResource, Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from labs.constructs.functions import LabFunction
from labs.constructs.nag import acknowledge, arn_finding

# the cleaner's own timeout (5 minutes) and a minute for CloudFormation to hear its answer
CLEANER_TIMEOUT = Duration.minutes(5)
CLEANER_SERVICE_TIMEOUT = Duration.minutes(6)


class LabBucket(Construct):
    """A bucket deleted with its stack; a custom resource empties it first (CloudFormation cannot)."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.DESTROY,
            # a lifecycle rule (Control Tower's CT.S3.PR.6) that only drops failed uploads: costs nothing
            lifecycle_rules=[s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1))],
        )
        # object events to EventBridge's default bus (Control Tower's CT.S3.PR.4): AWS service events are free
        # there, and nothing listens; CloudFormation's own property, not CDK's notification custom resource
        bucket = self.bucket.node.default_child
        if not isinstance(bucket, s3.CfnBucket):  # pragma: no cover - CDK's own L1
            raise TypeError("the lab bucket has no CfnBucket")
        bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(
                event_bridge_enabled=True
            )
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "A lab bucket holds a few CSV files for hours; access logs would need a second bucket that "
            "outlives nothing worth auditing.",
        )
        # not CDK's autoDeleteObjects: its provider Lambda writes a log group the stack never deletes
        self.cleaner = LabFunction(
            self,
            "Cleaner",
            handler="bucket_cleaner.handler.handler",
            description="Empties the lab bucket when its stack is deleted",
            timeout=CLEANER_TIMEOUT,
        )
        self.cleaner.allow(actions=["s3:ListBucket"], resources=[self.bucket.bucket_arn])
        self.cleaner.allow(actions=["s3:DeleteObject"], resources=[self.bucket.arn_for_objects("*")])
        acknowledge(
            self.cleaner.role,
            f"AwsSolutions-IAM5[{arn_finding(self.bucket, '/*')}]",
            "The cleaner deletes whatever keys the lab wrote (unknown at deploy time), only in this bucket.",
        )
        self.empty_on_delete = CustomResource(
            self,
            "EmptyOnDelete",
            service_token=self.cleaner.function.function_arn,
            resource_type="Custom::EmptyBucketOnDelete",
            properties={"BucketName": self.bucket.bucket_name},
            # a cleaner that never answers fails the delete after this, not after CloudFormation's hour
            service_timeout=CLEANER_SERVICE_TIMEOUT,
        )
        # deleted first: the cleaner still has its permissions and log group when it runs
        self.empty_on_delete.node.add_dependency(
            self.cleaner.log_group, self.cleaner.role.node.find_child("DefaultPolicy")
        )
