"""DynamoDB stream records into CSV rows, and the poison-record rule that keeps rows exactly-once.

Records come in either shape: the Lambda event (`{"Records": [...]}`, binary as base64 text) or the
boto3 `dynamodbstreams.get_records` answer (binary as bytes); see `csv_writer.cells`.

Every record gives one row, with its change columns (see `csv_writer.csv_format` and `csv_writer.changes`):
INSERT `I` and MODIFY `U` from `dynamodb.NewImage`, REMOVE `D` from `dynamodb.OldImage` when the stream
view type gives one (NEW_AND_OLD_IMAGES, OLD_IMAGE) and from `dynamodb.Keys` alone otherwise; the key
attributes always come from Keys where the image lacks them. A record that cannot be converted (a
non-number `N`, a `B` that is not base64, an unknown type tag, an INSERT or MODIFY without NewImage because
the stream view type is KEYS_ONLY or OLD_IMAGE, a REMOVE with neither OldImage nor Keys, an unknown
eventName, a time that is no time, ...) is a *failed record*. Which rows go into the object, and which
records are reported to Lambda, follows from how a stream event source mapping retries with
`ReportBatchItemFailures`: it checkpoints before the LOWEST reported sequence number and redelivers
everything from there, as a batch that starts with that record. So:

1. The batch's first record converts (the usual case): rows are written for the records *before* the
   first failed record only, and that record alone is reported. Nothing after it is written now, so its
   redelivery cannot duplicate a row.
2. The batch's first record fails (a redelivery that starts at the poison record): every convertible
   record of the batch is written, and every failed record is reported. Each retry of it starts at the
   same record, so it overwrites the same object (keys are derived from the first record, see
   `csv_writer.keys`) instead of adding rows; when the bounded retries are exhausted, the mapping sends
   the batch to the on-failure destination and moves on, and its good records are already in S3.

Either way no record is lost (a row in S3, or a reported failure that ends in the on-failure queue with
the log line naming it and the reason) and no row is written twice. A record without a sequence number
cannot be reported at all; `MalformedBatchError` then fails the whole invocation before anything is
written, so Lambda retries and bisects it like any function error.

Assumptions and limits: the mapping must enable ReportBatchItemFailures (without it the response is
ignored and case 1 would skip the records after the failure), and MaximumRetryAttempts must be bounded
(the kit uses 2) so a poison record cannot hold the shard. An invocation killed (timeout, out of memory)
after S3 accepted its object is still exactly-once in the usual case: Lambda bisects the batch, the first
half starts at the same record and overwrites the object with its own rows, the second half gets its own
object. The window left is that case with a first half that writes no object at all (only failed records,
or S3 failing until the retries run out): the second half's rows are then in two objects. The S3 client's
timeouts keep the PUT well inside the function timeout to make a killed invocation unlikely.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .cells import ConversionError, render_cell, render_image
from .changes import OP_BY_EVENT, TIME_FIELD, change_time

ROW_EVENTS = frozenset({"INSERT", "MODIFY"})  # the events whose row is the NewImage
REMOVE = "REMOVE"


class MalformedBatchError(ValueError):
    """A record the batch response cannot name (no sequence number): the whole invocation must fail."""


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """One record reported to Lambda, with the reason for the log."""

    sequence_number: str
    reason: str
    index: int
    event_id: str | None = None
    keys: Any = None

    def batch_item(self) -> dict[str, str]:
        """The record as an item of the batch's failures."""
        return {"itemIdentifier": self.sequence_number}

    def log_entry(self) -> dict[str, Any]:
        """The record's entry in the function's log."""
        entry: dict[str, Any] = {"itemIdentifier": self.sequence_number, "index": self.index}
        if self.event_id is not None:
            entry["eventID"] = self.event_id
        if self.keys is not None:
            entry["keys"] = self.keys
        entry["reason"] = self.reason
        return entry


@dataclass(frozen=True, slots=True)
class StreamPlan:
    """What one batch turns into, before any S3 call: the table to write and the records to report.

    `columns` and `rows` hold attribute names and cells; `ops[i]` and `times[i]` are row i's change columns.
    """

    columns: list[str]
    rows: list[dict[str, str]]
    failures: list[RecordFailure] = field(default_factory=list)
    removes: int = 0  # rows written for REMOVE records (`D`)
    ops: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    # records after the first failure in case 1: neither written nor reported, Lambda redelivers them
    deferred: int = 0


def sequence_number(record: object, index: int) -> str:
    """The record's `dynamodb.SequenceNumber`, or MalformedBatchError naming the record's position."""
    if isinstance(record, dict):
        data = record.get("dynamodb")
        if isinstance(data, dict):
            number = data.get("SequenceNumber")
            if isinstance(number, str) and number:
                return number
    raise MalformedBatchError(
        f"record {index} has no dynamodb.SequenceNumber, so it cannot be reported as a batch item failure; "
        "failing the whole batch instead (Lambda retries and bisects it)"
    )


def _sequence_numbers(records: Sequence[Any]) -> list[str]:
    """Every record's sequence number; MalformedBatchError (from `sequence_number`) if one has none."""
    try:  # the usual batch in one comprehension; any odd record falls back to the precise check
        numbers = [record["dynamodb"]["SequenceNumber"] for record in records]
        if all(type(number) is str and number for number in numbers):
            return numbers
    except (KeyError, TypeError, IndexError):
        pass
    return [sequence_number(record, index) for index, record in enumerate(records)]


def record_row(record: Mapping[str, Any]) -> tuple[dict[str, str], Sequence[str]]:
    """(cells, key attribute names) of any record: the NewImage of INSERT/MODIFY, the OldImage or the Keys
    of REMOVE; ConversionError when it has neither.

    Key attributes come from `dynamodb.Keys` (in its order); a key missing from the image is taken from Keys.
    """
    event_name = record.get("eventName")
    if event_name not in OP_BY_EVENT:
        raise ConversionError(f"eventName {event_name!r} is not INSERT, MODIFY or REMOVE")
    data = record["dynamodb"]
    keys = data.get("Keys")
    if event_name == REMOVE:
        image = data.get("OldImage")
        if not isinstance(image, dict) and not isinstance(keys, dict):
            raise ConversionError("REMOVE record has neither dynamodb.OldImage nor dynamodb.Keys")
    else:
        image = data.get("NewImage")
        if not isinstance(image, dict):
            raise ConversionError(
                "record has no dynamodb.NewImage: "
                "the stream view type must be NEW_IMAGE or NEW_AND_OLD_IMAGES"
            )
    row = render_image(image) if isinstance(image, dict) else {}
    if not isinstance(keys, dict):
        return row, ()
    add_key_cells(row, keys)
    return row, tuple(keys)


def add_key_cells(row: dict[str, str], keys: Mapping[str, Any]) -> None:
    """The key attributes `row` (from NewImage) lacks, taken from `dynamodb.Keys`."""
    for name, value in keys.items():
        if name not in row:
            try:
                row[name] = render_cell(value)
            except ConversionError as error:
                raise ConversionError(f"key attribute {name!r}: {error}") from None


def _failure(record: Mapping[str, Any], number: str, index: int, reason: str) -> RecordFailure:
    event_id = record.get("eventID")
    keys = record["dynamodb"].get("Keys")
    return RecordFailure(
        sequence_number=number,
        reason=reason,
        index=index,
        event_id=event_id if isinstance(event_id, str) else None,
        keys=keys if isinstance(keys, dict) else None,
    )


def order_columns(key_columns: Mapping[str, object], rows: Sequence[Mapping[str, str]]) -> list[str]:
    """Key attributes first (first-seen order), then every other attribute name sorted by code point."""
    others: set[str] = set()
    for row in rows:
        others.update(row)
    others.difference_update(key_columns)
    return [*key_columns, *sorted(others)]


def plan_stream_batch(records: Sequence[Any]) -> StreamPlan:
    """Rows and reported failures for one batch, following the rule in this module's docstring."""
    numbers = _sequence_numbers(records)
    rows: list[dict[str, str]] = []
    ops: list[str] = []
    times: list[str] = []
    key_columns: dict[str, Any] = {}
    failures: list[RecordFailure] = []
    removes = 0
    deferred = 0
    # a batch's records mostly share their second: render each distinct time once
    last_time: object = None
    last_cell = ""
    for index, record in enumerate(records):
        try:
            data = record["dynamodb"]
            moment = data.get(TIME_FIELD)
            if moment != last_time or type(moment) is not type(last_time):
                last_cell, last_time = change_time(moment), moment
            event_name = record.get("eventName")
            # the usual record inline (an INSERT or MODIFY with its image and keys): a call less per record
            image, keys = data.get("NewImage"), data.get("Keys")
            if event_name in ROW_EVENTS and type(image) is dict and type(keys) is dict:
                row = render_image(image)
                if not keys.keys() <= row.keys():
                    add_key_cells(row, keys)
                key_columns.update(keys)  # only its names are used: no dict.fromkeys per record
            else:
                row, names = record_row(record)
                for name in names:
                    key_columns[name] = None
        except (ConversionError, KeyError, TypeError, AttributeError) as error:
            reason = str(error) if isinstance(error, ConversionError) else f"malformed record: {error!r}"
            failures.append(_failure(record, numbers[index], index, reason))
            last_time, last_cell = None, ""
            if failures[0].index != 0:
                # case 1: stop at the first failure; Lambda redelivers it and everything after it
                deferred = len(records) - index - 1
                break
            # case 2 (the batch starts with a failed record): keep going, report every failed record
            continue
        rows.append(row)
        ops.append(OP_BY_EVENT[event_name])
        times.append(last_cell)
        if event_name == REMOVE:
            removes += 1
    return StreamPlan(
        columns=order_columns(key_columns, rows) if rows else [],
        rows=rows,
        failures=failures,
        removes=removes,
        deferred=deferred,
        ops=ops,
        times=times,
    )
