"""S3 parity fix: CloudFormation cannot delete a bucket that still holds objects."""

from __future__ import annotations

from typing import Any

from labs.emulator.parity.base import ParityFix, from_moto, parity_fix, replace_classmethod


@parity_fix(
    "non-empty bucket delete fails",
    moto_does="silently keeps a non-empty bucket when its stack is deleted, and reports the delete complete",
    aws_does="fails the bucket's deletion (BucketNotEmpty), so the stack ends DELETE_FAILED",
)
def non_empty_bucket_delete_fails() -> None:
    """Patches moto: non-empty bucket delete fails."""
    bucket_class = from_moto("moto.s3.models", "FakeBucket")
    bucket_not_empty = from_moto("moto.s3.exceptions", "BucketNotEmpty")
    get_partition = from_moto("moto.utilities.utils", "get_partition")

    def delete(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str) -> None:
        s3 = from_moto("moto.s3.models", "s3_backends")[account_id][get_partition(region)]
        if s3.get_bucket(name).keys:
            raise bucket_not_empty(name)
        s3.delete_bucket(name)

    replace_classmethod(bucket_class, "delete_from_cloudformation_json", delete)


FIXES: tuple[ParityFix, ...] = (non_empty_bucket_delete_fails,)
