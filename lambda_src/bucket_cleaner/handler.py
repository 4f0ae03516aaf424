"""Empties the lab bucket on stack deletion, then answers CloudFormation (custom resource protocol)."""

from __future__ import annotations

import logging
from typing import Any

import boto3
from botocore.exceptions import ClientError

import cfn_response

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)
_DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys per call


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every object in `bucket`; return how many were deleted. Raises if any delete failed."""
    deleted = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = keys[start : start + _DELETE_BATCH]
            answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise RuntimeError(f"could not delete {first.get('Key')}: {first.get('Message')}")
            deleted += len(batch)
    return deleted


def handler(event: dict[str, Any], context: Any) -> None:
    """The custom resource: empty the bucket on delete, then answer CloudFormation."""
    bucket = event.get("ResourceProperties", {}).get("BucketName", "")
    physical_id = f"empty-on-delete-{bucket}"
    status, reason = "SUCCESS", "nothing to do"
    try:
        if event["RequestType"] == "Delete":
            count = empty_bucket(boto3.client("s3"), bucket)
            reason = f"deleted {count} objects from {bucket}"
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
            # deleted by hand already: nothing to empty, and failing would strand the stack
            reason = f"{bucket} no longer exists: nothing to empty"
        else:
            status, reason = "FAILED", f"ClientError: {error}"
    except Exception as error:  # CloudFormation must hear back, or the stack waits an hour
        status, reason = "FAILED", f"{type(error).__name__}: {error}"
    cfn_response.answer(event, status, reason, physical_id, LOGGER, bucket=bucket)
