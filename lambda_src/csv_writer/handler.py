"""Lambda entry point `csv_writer.handler.handler` of labs 3 (DynamoDB stream) and 4 (Step Functions).

- `{"Records": [...]}`: a DynamoDB stream batch. Each record becomes a row of ONE CSV object, saying what
  happened and when (`Op,TIMESTAMP,...`: `I`/`U` with the new image, `D` with the old image or the key);
  returns `{"batchItemFailures": [{"itemIdentifier": "<sequence number>"}, ...]}` (partial batch response;
  the event source mapping must enable ReportBatchItemFailures). Poison records and S3 failures:
  see `csv_writer.records` and `csv_writer.batch`.
- anything else: a Step Functions or direct input (an object, or a list of objects); returns
  `{"bucket": ..., "key": ..., "rows": n, "uri": "s3://..."}` and raises on any error.

Environment: `BUCKET_NAME` (required, read per invocation), `POWERTOOLS_LOG_LEVEL` (default INFO). Logs
through Powertools for AWS Lambda's Logger (`csv_writer.log`): at INFO the event it received (a batch's
first records whole, the rest counted), then one line: records in, rows written, key and failures.

Cold start: boto3 is imported here (the Lambda runtime ships it, and importing it during init is cheaper
than during the first invocation), but the S3 client is created on first use, not at import.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from .batch import write_direct_input, write_stream_batch
from .log import event_for_log, logger

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

BUCKET_ENV = "BUCKET_NAME"

# Standard retry mode (3 attempts, backoff with jitter) and timeouts that fit all 3 attempts into the kit's
# 30 s function timeout, so a slow S3 call ends as a reported failure rather than a killed invocation.
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


class ConfigurationError(RuntimeError):
    """The function is deployed without what it needs (BUCKET_NAME)."""


@functools.cache
def s3_client() -> S3Client:
    """The S3 client, created on first use and reused by warm invocations (`s3_client.cache_clear()`)."""
    return boto3.client("s3", config=_CLIENT_CONFIG)


def bucket_name() -> str:
    """The bucket the function writes to, from its environment; ConfigurationError when unset."""
    bucket = os.environ.get(BUCKET_ENV, "").strip()
    if not bucket:
        raise ConfigurationError(
            f"environment variable {BUCKET_ENV} is not set: the function does not know which bucket to "
            "write the CSV files to (the lab stack sets it to the lab's bucket)"
        )
    return bucket


def is_stream_batch(event: object) -> bool:
    """A Lambda stream event: an object whose `Records` is a list (an empty list is an empty batch)."""
    return isinstance(event, dict) and isinstance(event.get("Records"), list)


def handler(event: Any, context: Any) -> dict[str, Any]:
    """The Lambda entry point: the bucket from BUCKET_NAME, the function's own S3 client."""
    return handle(
        event,
        bucket=bucket_name,
        s3_client=s3_client,
        request_id=getattr(context, "aws_request_id", None),
    )


def handle(
    event: Any,
    *,
    bucket: str | Callable[[], str],
    s3_client: S3Client | Callable[[], S3Client],
    request_id: str | None = None,
) -> dict[str, Any]:
    """Everything the handler does, with the bucket and client given: the emulator check calls this."""
    logger.info("event received", extra={"request_id": request_id, "event": event_for_log(event)})
    stream = is_stream_batch(event)
    fields: dict[str, Any] = {"request_id": request_id, "source": "stream" if stream else "direct"}
    if stream:
        fields["records_in"] = len(event["Records"])
    try:
        bucket_to_write = bucket() if callable(bucket) else bucket
        client = s3_client() if callable(s3_client) else s3_client
        if stream:
            result = write_stream_batch(event["Records"], bucket=bucket_to_write, s3_client=client)
            fields.update(result.log_fields())
            failed = bool(result.failures)
            message = "stream batch had failed records" if failed else "stream batch written"
            (logger.warning if failed else logger.info)(message, extra=fields)
            return result.response()
        direct = write_direct_input(event, bucket=bucket_to_write, s3_client=client)
    except Exception as error:
        logger.error("invocation failed", extra={**fields, "error": f"{type(error).__name__}: {error}"})
        raise
    fields.update(direct.log_fields())
    logger.info("input written", extra=fields)
    return direct.output()
