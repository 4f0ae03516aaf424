"""What the two change columns of a row hold: the operation letter and the change's time as ISO-8601 UTC.

- `Op`: a stream record's eventName as the letter AWS DMS writes (INSERT -> `I`, MODIFY -> `U`, REMOVE ->
  `D`); a direct input (Step Functions) is an insert, `I`, as DMS writes a full load with
  `includeOpForFullLoad`.
- `TIMESTAMP`: a stream record's `dynamodb.ApproximateCreationDateTime`, seconds since the epoch in a Lambda
  event (a JSON number; DynamoDB Streams round it down to the second) or a `datetime` in boto3's
  `get_records` answer, written as `2024-05-01T12:00:00Z` (a fraction of a second only when it has one).
  A record without it gets an empty cell. A direct input has no change time of its own: its rows carry the
  time the writer wrote them, as DMS does for a full load.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from .cells import ConversionError

OP_BY_EVENT = {"INSERT": "I", "MODIFY": "U", "REMOVE": "D"}
INSERT_OP = "I"
TIME_FIELD = "ApproximateCreationDateTime"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso_utc(moment: datetime) -> str:
    """`2024-05-01T12:00:00Z`, with `.ffffff` (trailing zeros dropped) only when there is a fraction."""
    moment = moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    text = moment.replace(tzinfo=None, microsecond=0).isoformat()  # strftime's %Y does not pad year 99
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def change_time(value: object) -> str:
    """The TIMESTAMP cell of a stream record's ApproximateCreationDateTime ("" when it has none).

    ConversionError for a value that is no time: text, a boolean, NaN, or beyond year 9999.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ConversionError(f"{TIME_FIELD} must be seconds since the epoch, got {value!r:.80}")
    try:
        # through Decimal, not float arithmetic: 1714564800.123 stays .123, not .12299990654
        seconds = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        whole, fraction = divmod(seconds, 1)
        moment = _EPOCH + timedelta(seconds=int(whole), microseconds=int(fraction * 1_000_000))
    except (InvalidOperation, OverflowError, ValueError):
        raise ConversionError(f"{TIME_FIELD} {value!r:.80} is not a time between years 1 and 9999") from None
    return iso_utc(moment)


def write_time(now: datetime | None = None) -> str:
    """The TIMESTAMP cell of a direct input's rows: when the writer wrote them (now, unless given), to the
    second like a stream record's time."""
    return iso_utc((now if now is not None else datetime.now(UTC)).replace(microsecond=0))
