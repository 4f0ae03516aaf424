"""Writes a stack's objects into its bucket on create and update, then answers CloudFormation (custom
resource protocol). On delete it writes nothing: the bucket's own cleaner empties the bucket."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import boto3

import cfn_response

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)


def put_objects(s3: Any, bucket: str, objects: Mapping[str, str]) -> int:
    """Put each key's text into `bucket`; return how many objects were written."""
    for key, text in sorted(objects.items()):
        s3.put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"), ContentType="text/csv")
    return len(objects)


def handler(event: dict[str, Any], context: Any) -> None:
    """The custom resource: put the objects on create and update, then answer CloudFormation."""
    properties = event.get("ResourceProperties", {})
    bucket = str(properties.get("BucketName", ""))
    objects = properties.get("Objects") or {}
    physical_id = f"objects-in-{bucket}"
    status, reason = "SUCCESS", "nothing to do"
    try:
        if not isinstance(objects, dict) or not all(isinstance(v, str) for v in objects.values()):
            raise ValueError("Objects must map each key to its text")
        if event["RequestType"] in ("Create", "Update"):
            count = put_objects(boto3.client("s3"), bucket, objects)
            reason = f"wrote {count} objects into {bucket}"
    except Exception as error:  # CloudFormation must hear back, or the stack waits an hour
        status, reason = "FAILED", f"{type(error).__name__}: {error}"
    cfn_response.answer(event, status, reason, physical_id, LOGGER, bucket=bucket)
