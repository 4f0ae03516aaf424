"""S3 parity fix: CloudFormation cannot delete a bucket that still holds objects."""

from __future__ import annotations

from typing import Any

from local_aws.fixes import EmulatorGap, ParityFix, parity_fix
from local_aws.moto_bridge import backend, moto_name, replace_classmethod


@parity_fix(
    "non-empty bucket delete fails",
    moto_does="silently keeps a non-empty bucket when its stack is deleted, and reports the delete complete",
    aws_does="fails the bucket's deletion (BucketNotEmpty), so the stack ends DELETE_FAILED",
)
def non_empty_bucket_delete_fails() -> None:
    """Patches moto: non-empty bucket delete fails."""
    bucket_class = moto_name("s3.FakeBucket")
    bucket_not_empty = moto_name("s3.BucketNotEmpty")

    def delete(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str) -> None:
        s3 = backend("s3", account_id, region)
        if s3.get_bucket(name).keys:
            raise bucket_not_empty(name)
        s3.delete_bucket(name)

    replace_classmethod(bucket_class, "delete_from_cloudformation_json", delete)


FIXES: tuple[ParityFix, ...] = (non_empty_bucket_delete_fails,)
GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "no bucket or queue policies",
        "moto has no CloudFormation model for AWS::S3::BucketPolicy or AWS::SQS::QueuePolicy (and would "
        "ignore their TLS condition): the TLS-only policies do not exist here",
    ),
)
