"""Amazon S3's bucket (billed by the GB stored and per request) and its policy."""

from __future__ import annotations

from typing import Any

from labs.catalogue.entry import ByUse, Free, Leftovers, ResourceType
from labs.catalogue.reading import probe


def _bucket_names(session: Any) -> list[str]:
    return [bucket["Name"] for bucket in session.client("s3").list_buckets().get("Buckets", [])]


BUCKET = ResourceType(
    cfn_type="AWS::S3::Bucket",
    price=ByUse(),
    deploy_actions=(
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:PutEncryptionConfiguration",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketOwnershipControls",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketNotification",
        "s3:PutBucketTagging",
    ),
    leftovers=Leftovers(
        tag_arn="s3:",
        names=_bucket_names,
        # CloudFormation names a bucket after its stack in lower case
        lower_case_names=True,
        exists=probe("s3", "head_bucket", "Bucket"),
        gone_codes=frozenset({"404", "NoSuchBucket"}),
    ),
)
BUCKET_POLICY = ResourceType(
    cfn_type="AWS::S3::BucketPolicy",
    price=Free(),
    deploy_actions=("s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:GetBucketPolicy"),
    leftovers=Leftovers(goes_with="the policy of its bucket, deleted with it"),
    tagged=False,
)
