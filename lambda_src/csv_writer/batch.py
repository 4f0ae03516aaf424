"""The plain functions behind the handler, callable in-process (the kit's emulator check calls them).

`write_stream_batch(records, bucket=..., s3_client=...)` takes DynamoDB stream records in either shape:
the Lambda event's `Records` (binary values as base64 text) or boto3 `dynamodbstreams.get_records(...)
["Records"]` (binary values as `bytes`, rendered as the same base64 text; pass `stream_arn=` since those
records carry no `eventSourceARN`). All rows go into ONE object with ONE PUT, as a change table
(`Op,TIMESTAMP,<attributes>`: see `csv_writer.csv_format`). Which records become rows
and which are reported as failures is decided by `csv_writer.records.plan_stream_batch` (see there for why
that is exactly-once under Lambda's partial-batch retries). If the PUT fails, every record of the batch
is reported as failed: nothing was written, and Lambda redelivers the whole batch to the same key.

`write_direct_input(payload, bucket=..., s3_client=...)` writes a Step Functions or direct input: one
object is one row (top-level keys are the columns), a list of objects is one row each; each row is an
insert (`I`) stamped with the time it was written (see `csv_writer.changes`). Conversion or
S3 errors raise, so the state machine's task fails (and its Retry/Catch apply) with the input kept in
the execution history.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from .cells import ConversionError, render_object
from .changes import INSERT_OP, write_time
from .csv_format import CONTENT_TYPE, build_change_csv
from .keys import direct_key, safe_part, stream_key
from .records import RecordFailure, StreamPlan, plan_stream_batch, sequence_number

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# the log line names at most this many failed records (an S3 outage fails every record of a batch)
LOGGED_FAILURES = 20


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Outcome of one stream batch: where its rows went and which records Lambda must redeliver."""

    bucket: str
    key: str | None  # None when the batch had no rows (an empty batch, only failed records)
    records_in: int
    rows_written: int
    failures: tuple[RecordFailure, ...] = ()
    removes: int = 0
    deferred: int = 0
    write_error: str | None = None

    @property
    def batch_item_failures(self) -> list[dict[str, str]]:
        """The partial batch response entries: `[{"itemIdentifier": "<sequence number>"}, ...]`."""
        return [failure.batch_item() for failure in self.failures]

    def response(self) -> dict[str, Any]:
        """What the handler returns to the event source mapping."""
        return {"batchItemFailures": self.batch_item_failures}

    def log_fields(self) -> dict[str, Any]:
        """The batch's summary for the function's log."""
        fields: dict[str, Any] = {
            "source": "stream",
            "records_in": self.records_in,
            "rows_written": self.rows_written,
            "removes": self.removes,
            "bucket": self.bucket,
            "key": self.key,
            "failed_records": len(self.failures),
            "failures": [failure.log_entry() for failure in self.failures[:LOGGED_FAILURES]],
        }
        if self.deferred:
            fields["deferred_to_retry"] = self.deferred
        if self.write_error is not None:
            fields["write_error"] = self.write_error
        return fields


@dataclass(frozen=True, slots=True)
class DirectResult:
    """Outcome of one direct input: the state machine's output shows where the file went."""

    bucket: str
    key: str | None  # None when the input had no rows (an empty list or an empty object)
    rows: int

    def output(self) -> dict[str, Any]:
        """What the function returns for a direct invocation."""
        uri = f"s3://{self.bucket}/{self.key}" if self.key else None
        return {"bucket": self.bucket, "key": self.key, "rows": self.rows, "uri": uri}

    def log_fields(self) -> dict[str, Any]:
        """The invocation's summary for the function's log."""
        return {"source": "direct", "rows_written": self.rows, "bucket": self.bucket, "key": self.key}


def _metadata(records: Sequence[Any], plan: StreamPlan) -> dict[str, str]:
    first = sequence_number(records[0], 0)
    last = sequence_number(records[-1], len(records) - 1)
    return {
        "first-sequence-number": safe_part(first),
        "last-sequence-number": safe_part(last),
        "records": str(len(records)),
        "rows": str(len(plan.rows)),
    }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch is converted.

    Conversion allocates ~10 objects per record and creates no reference cycles (refcounting frees
    everything), but the allocations trigger collections that re-scan the whole parsed event: a full
    collection during a 10,000-record batch costs as much as a third of the conversion.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def convert_stream_batch(records: Sequence[Mapping[str, Any]]) -> tuple[StreamPlan, bytes | None]:
    """The plan of a batch and its CSV bytes (None when it has no rows): everything before the PUT."""
    with _collector_paused():
        plan = plan_stream_batch(records)
        if not plan.rows:
            return plan, None
        return plan, build_change_csv(plan.columns, plan.rows, ops=plan.ops, times=plan.times)


def write_stream_batch(
    records: Sequence[Mapping[str, Any]],
    *,
    bucket: str,
    s3_client: S3Client,
    stream_arn: str | None = None,
) -> BatchResult:
    """Write one batch of stream records as one CSV object; report what Lambda must redeliver.

    Raises `csv_writer.records.MalformedBatchError` (before writing) for a record without a sequence
    number. S3 errors do not raise: they come back as every record failed, with `write_error` set.
    """
    plan, body = convert_stream_batch(records)
    if body is None:
        return BatchResult(
            bucket=bucket,
            key=None,
            records_in=len(records),
            rows_written=0,
            failures=tuple(plan.failures),
            removes=plan.removes,
            deferred=plan.deferred,
        )
    key = stream_key(records[0], stream_arn=stream_arn)
    try:
        s3_client.put_object(
            Bucket=bucket, Key=key, Body=body, ContentType=CONTENT_TYPE, Metadata=_metadata(records, plan)
        )
    except (BotoCoreError, ClientError) as error:
        reasons = {failure.index: failure.reason for failure in plan.failures}
        message = f"S3 PutObject s3://{bucket}/{key} failed: {error}"
        every_record = tuple(
            RecordFailure(
                sequence_number=sequence_number(record, index),
                reason=reasons.get(index, message),
                index=index,
            )
            for index, record in enumerate(records)
        )
        return BatchResult(
            bucket=bucket,
            key=None,
            records_in=len(records),
            rows_written=0,
            failures=every_record,
            removes=plan.removes,
            write_error=message,
        )
    return BatchResult(
        bucket=bucket,
        key=key,
        records_in=len(records),
        rows_written=len(plan.rows),
        failures=tuple(plan.failures),
        removes=plan.removes,
        deferred=plan.deferred,
    )


def direct_rows(payload: object) -> tuple[list[str], list[dict[str, str]]]:
    """(columns in first-seen order, rows) of a direct input; ConversionError for anything else.

    An object with no fields gives no row.
    """
    if isinstance(payload, dict):
        items: list[Any] = [payload]
    elif isinstance(payload, list):
        items = payload
    else:
        raise ConversionError(
            f"input must be a JSON object or a list of objects, got {type(payload).__name__}"
        )
    rows: list[dict[str, str]] = []
    columns: dict[str, None] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ConversionError(f"input item {index} must be a JSON object, got {type(item).__name__}")
        try:
            row = render_object(item)
        except ConversionError as error:
            raise ConversionError(f"input item {index}: {error}") from None
        if row:
            rows.append(row)
            columns.update(dict.fromkeys(row))
    return list(columns), rows


def write_direct_input(
    payload: object, *, bucket: str, s3_client: S3Client, now: datetime | None = None
) -> DirectResult:
    """Write a Step Functions or direct input as one CSV object (none when it has no rows).

    Every row is an insert (`I`) whose TIMESTAMP is `now` (the time of writing unless given).
    """
    columns, rows = direct_rows(payload)
    if not rows:
        return DirectResult(bucket=bucket, key=None, rows=0)
    key = direct_key(payload)
    written = write_time(now)
    s3_client.put_object(
        Bucket=bucket,
        Key=key,
        Body=build_change_csv(columns, rows, ops=[INSERT_OP] * len(rows), times=[written] * len(rows)),
        ContentType=CONTENT_TYPE,
        Metadata={"rows": str(len(rows))},
    )
    return DirectResult(bucket=bucket, key=key, rows=len(rows))
