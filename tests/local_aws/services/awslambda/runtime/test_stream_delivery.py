"""The stream poller's rules, as Lambda documents them: retries, bisect, partial batches, destinations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from local_aws.services.awslambda.runtime.stream_delivery import (
    MappingConfig,
    StreamDelivery,
    StreamRecord,
    retry_from,
)

T0 = datetime(2030, 1, 1, tzinfo=UTC)
QUEUE = "arn:aws:sqs:us-east-1:123456789012:failures"


def records(count: int, *, start: int = 100) -> list[StreamRecord]:
    return [
        StreamRecord(
            sequence_number=str(start + i),
            arrived_at=T0,
            event={"eventID": f"e{i}", "dynamodb": {"SequenceNumber": str(start + i)}},
        )
        for i in range(count)
    ]


def config(**overrides: Any) -> MappingConfig:
    base: dict[str, Any] = {
        "function_arn": "arn:aws:lambda:us-east-1:123456789012:function:writer",
        "stream_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/Users/stream/2030",
        "shard_id": "shardId-1",
        "max_retry_attempts": 2,
        "on_failure_arn": QUEUE,
    }
    return MappingConfig(**{**base, **overrides})


class Function:
    """A fake function: fails for the sequence numbers it is told to, the way the mapping asked."""

    def __init__(self, *, poison: set[str] = frozenset(), partial: bool = False) -> None:
        self.poison = set(poison)
        self.partial = partial
        self.batches: list[list[str]] = []

    def __call__(self, event: dict[str, Any]) -> tuple[bytes, str | None]:
        numbers = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        self.batches.append(numbers)
        bad = [n for n in numbers if n in self.poison]
        if not bad:
            return b"null", None
        if self.partial:
            return json.dumps({"batchItemFailures": [{"itemIdentifier": n} for n in bad]}).encode(), None
        return json.dumps({"errorType": "ValueError"}).encode(), "Unhandled"


def deliver(
    function: Function, batch: list[StreamRecord], **overrides: Any
) -> tuple[StreamDelivery, list[Any]]:
    sent: list[tuple[str, dict[str, Any]]] = []
    delivery = StreamDelivery(
        config(**overrides),
        invoke=function,
        send_failure=lambda arn, document: sent.append((arn, document)),
        sleep=lambda _s: None,
        clock=lambda: T0,
    )
    delivery.deliver(batch)
    return delivery, sent


def test_a_good_batch_is_one_invocation_and_reports_ok() -> None:
    function = Function()
    delivery, sent = deliver(function, records(3))

    assert function.batches == [["100", "101", "102"]]
    assert sent == []
    assert delivery.log.last_result == "OK"


def test_a_failing_batch_is_retried_then_described_to_the_destination() -> None:
    function = Function(poison={"101"})
    delivery, sent = deliver(function, records(3))

    assert len(function.batches) == 3  # the first try and 2 retries
    ((arn, document),) = sent
    info = document["DDBStreamBatchInfo"]
    assert arn == QUEUE
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == ("100", "102", 3)
    assert document["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert document["requestContext"]["approximateInvokeCount"] == 3
    assert document["responseContext"]["functionError"] == "Unhandled"
    assert "Records" not in document  # the queue gets a description of the batch, not the records
    assert delivery.log.last_result.startswith("PROBLEM")


def test_bisect_isolates_the_poison_record_and_delivers_the_rest() -> None:
    function = Function(poison={"102"})
    _delivery, sent = deliver(function, records(4), bisect_on_error=True)

    delivered = {n for batch in function.batches if "102" not in batch for n in batch}
    assert delivered == {"100", "101", "103"}
    ((_arn, document),) = sent
    assert document["DDBStreamBatchInfo"]["startSequenceNumber"] == "102"
    assert document["DDBStreamBatchInfo"]["batchSize"] == 1


def test_a_partial_batch_response_retries_from_the_earliest_failed_record() -> None:
    function = Function(poison={"101"}, partial=True)
    _delivery, sent = deliver(function, records(3), report_batch_item_failures=True)

    assert function.batches[0] == ["100", "101", "102"]
    assert function.batches[1:] == [["101", "102"], ["101", "102"]]
    ((_arn, document),) = sent
    assert "functionError" not in document["responseContext"]
    assert document["DDBStreamBatchInfo"]["startSequenceNumber"] == "101"


def test_without_report_batch_item_failures_the_reply_is_ignored() -> None:
    function = Function(poison={"101"}, partial=True)
    _delivery, sent = deliver(function, records(3), report_batch_item_failures=False)

    assert len(function.batches) == 1
    assert sent == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (b"null", None),
        (b'{"batchItemFailures": []}', None),
        (b'{"batchItemFailures": [{"itemIdentifier": "102"}, {"itemIdentifier": "101"}]}', 1),
        (b'{"batchItemFailures": [{"itemIdentifier": "999"}]}', 0),
        (b'{"batchItemFailures": [{"itemIdentifier": ""}]}', 0),
        (b"not json", 0),
    ],
)
def test_a_partial_batch_answer_is_read_as_lambda_reads_it(answer: bytes, expected: int | None) -> None:
    assert retry_from(answer, records(3)) == expected


def test_records_older_than_the_maximum_age_go_to_the_destination_unprocessed() -> None:
    old = [StreamRecord(sequence_number="100", arrived_at=T0 - timedelta(hours=2), event={})]
    function = Function()
    _delivery, sent = deliver(function, old, max_record_age_s=3600)

    assert function.batches == []
    assert sent[0][1]["requestContext"]["condition"] == "RecordAgeExceeded"
