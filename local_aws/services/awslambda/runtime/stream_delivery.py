"""How Lambda's stream poller hands a DynamoDB stream's records to a function, as its documentation says.

A batch goes to the function; on a function error the batch is bisected (when the mapping says so;
splits do not count as retries), then retried up to MaximumRetryAttempts, then described to the
on-failure destination and skipped. With ReportBatchItemFailures, the function's `batchItemFailures`
make the poller retry from the earliest failed record; an identifier that is not in the batch fails the
whole batch. Records older than MaximumRecordAgeInSeconds are skipped to the destination too.

Plain code over injected callables (invoke, send to the destination, sleep), so it is tested without an
emulator; services/dynamodb.py feeds it the emulator's stream and functions.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

RETRY_FOREVER = -1
# between retries of a failing batch: short, but a failing shard does not spin a core
RETRY_PAUSE_S = 0.2


@dataclass(frozen=True, kw_only=True)
class StreamRecord:
    """One record as the Lambda event carries it, with what the poller needs to know about it."""

    sequence_number: str
    arrived_at: datetime
    event: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class MappingConfig:
    """An event source mapping's settings, as stream delivery obeys them."""

    function_arn: str
    stream_arn: str
    shard_id: str
    batch_size: int = 100
    max_retry_attempts: int = RETRY_FOREVER
    max_record_age_s: int = RETRY_FOREVER
    bisect_on_error: bool = False
    report_batch_item_failures: bool = False
    on_failure_arn: str | None = None


# invoke(event) -> (payload bytes, function error or None)
Invoke = Callable[[dict[str, Any]], tuple[bytes, str | None]]
SendFailure = Callable[[str, dict[str, Any]], None]


@dataclass
class DeliveryLog:
    """What one delivery did: for the mapping's LastProcessingResult and for tests."""

    invocations: int = 0
    failed_batches: list[dict[str, Any]] = field(default_factory=list)
    last_result: str = "No records processed"


@dataclass(frozen=True)
class _Attempt:
    payload: bytes
    function_error: str | None
    # index into the batch of the first record to retry; None when the batch succeeded
    retry_from: int | None


class StreamDelivery:
    """Delivers batches of one mapping; `deliver(records)` returns once every record is done with."""

    def __init__(
        self,
        config: MappingConfig,
        *,
        invoke: Invoke,
        send_failure: SendFailure,
        sleep: Callable[[float], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.invoke = invoke
        self.send_failure = send_failure
        self.sleep = sleep
        self.clock = clock
        self.log = DeliveryLog()

    def deliver(self, records: Sequence[StreamRecord]) -> None:
        """Hand a batch of records to the function, dropping those too old and retrying as configured."""
        fresh = self._drop_expired(list(records))
        if fresh:
            self._process(fresh, retries=0)

    def _drop_expired(self, records: list[StreamRecord]) -> list[StreamRecord]:
        if self.config.max_record_age_s == RETRY_FOREVER:
            return records
        now = self.clock()
        expired = [r for r in records if (now - r.arrived_at).total_seconds() > self.config.max_record_age_s]
        if expired:
            self._to_destination(expired, condition="RecordAgeExceeded", function_error=None, invokes=0)
        return [r for r in records if r not in expired]

    def _process(self, batch: list[StreamRecord], *, retries: int) -> None:
        attempt = self._attempt(batch)
        if attempt.retry_from is None:
            self.log.last_result = "OK"
            return
        failed = batch[attempt.retry_from :]
        self.log.last_result = "PROBLEM: Function call failed"
        if self.config.bisect_on_error and attempt.function_error and len(failed) > 1:
            middle = len(failed) // 2
            # a split is not a retry: each half starts its own count
            self._process(failed[:middle], retries=0)
            self._process(failed[middle:], retries=0)
            return
        if self.config.max_retry_attempts == RETRY_FOREVER or retries < self.config.max_retry_attempts:
            self.sleep(RETRY_PAUSE_S)
            failed = self._drop_expired(failed)
            if failed:
                self._process(failed, retries=retries + 1)
            return
        self._to_destination(
            failed,
            condition="RetryAttemptsExhausted",
            function_error=attempt.function_error,
            invokes=retries + 1,
        )

    def _attempt(self, batch: list[StreamRecord]) -> _Attempt:
        event = {"Records": [record.event for record in batch]}
        payload, function_error = self.invoke(event)
        self.log.invocations += 1
        if function_error:
            return _Attempt(payload, function_error, 0)
        if not self.config.report_batch_item_failures:
            return _Attempt(payload, None, None)
        return _Attempt(payload, None, retry_from(payload, batch))

    def _to_destination(
        self, records: list[StreamRecord], *, condition: str, function_error: str | None, invokes: int
    ) -> None:
        document = failure_document(
            self.config,
            records,
            condition=condition,
            function_error=function_error,
            invokes=invokes,
            now=self.clock(),
        )
        self.log.failed_batches.append(document)
        if self.config.on_failure_arn:
            self.send_failure(self.config.on_failure_arn, document)


def retry_from(payload: bytes, batch: Sequence[StreamRecord]) -> int | None:
    """Where a partial batch response says to retry from: None (all done), or a batch index.

    An answer Lambda cannot read, or an identifier that is not in the batch, fails the whole batch.
    """
    try:
        answer = json.loads(payload or b"null")
    except ValueError:
        return 0
    if answer is None or not isinstance(answer, dict):
        return None
    failures = answer.get("batchItemFailures")
    if not failures:
        return None
    positions = {record.sequence_number: index for index, record in enumerate(batch)}
    indexes = []
    for failure in failures if isinstance(failures, list) else [None]:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in positions:
            return 0
        indexes.append(positions[identifier])
    return min(indexes)


def failure_document(
    config: MappingConfig,
    records: Sequence[StreamRecord],
    *,
    condition: str,
    function_error: str | None,
    invokes: int,
    now: datetime,
) -> dict[str, Any]:
    """The JSON Lambda sends to an on-failure destination: about the batch, not the records themselves."""
    response: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if function_error:
        response["functionError"] = function_error
    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": config.function_arn,
            "condition": condition,
            "approximateInvokeCount": invokes,
        },
        "responseContext": response,
        "version": "1.0",
        "timestamp": _iso(now),
        "DDBStreamBatchInfo": {
            "shardId": config.shard_id,
            "startSequenceNumber": records[0].sequence_number,
            "endSequenceNumber": records[-1].sequence_number,
            "approximateArrivalOfFirstRecord": _iso(records[0].arrived_at),
            "approximateArrivalOfLastRecord": _iso(records[-1].arrived_at),
            "batchSize": len(records),
            "streamArn": config.stream_arn,
        },
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
