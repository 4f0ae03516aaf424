"""Object keys derived from the input itself, so a redelivered input overwrites its own object.

Stream batches: `stream/<table>/<stream label>/<first sequence number>-<first eventID>.csv`

- Table and stream label come from the stream ARN
  (`arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>`): the record's `eventSourceARN` in a
  Lambda event, or the `stream_arn` argument for records read with boto3 (`get_records` has no ARN).
- A Lambda event carries no shard id; the first record's sequence number plus its eventID (globally unique
  per stream record) name the batch instead, and the label separates a re-enabled stream.
- The key names the FIRST record only, not the last: every retry of a batch (same size, larger because
  more records arrived, or a bisected first half) starts at the same record, so it overwrites the same
  object. A last sequence number in the key would give a larger retry a second object with duplicate rows.
  The last sequence number is in the object's metadata instead.

Direct inputs: `direct/<first 16 hex digits of the SHA-256 of the canonical JSON input>.csv` (sorted keys,
no whitespace), so the same input always lands on the same object.

Every part is reduced to `[A-Za-z0-9._-]` (S3's safe characters), so no key needs URL escaping.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

STREAM_PREFIX = "stream"
DIRECT_PREFIX = "direct"
UNKNOWN = "unknown"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_PART = 200


def safe_part(text: str) -> str:
    """One key segment made of S3-safe characters only (never empty, never `.` or `..`)."""
    part = _UNSAFE.sub("-", text).strip("-")[:_MAX_PART]
    return part if part.strip(".") else UNKNOWN


def table_and_label(stream_arn: str | None) -> tuple[str, str]:
    """(table name, stream label) from a DynamoDB stream ARN; `unknown` for parts it does not have."""
    if not stream_arn or ":table/" not in stream_arn:
        return UNKNOWN, UNKNOWN
    resource = stream_arn.split(":table/", 1)[1]
    table, _, label = resource.partition("/stream/")
    return safe_part(table), safe_part(label) if label else UNKNOWN


def stream_key(first_record: Mapping[str, Any], *, stream_arn: str | None = None) -> str:
    """Key of the object holding a batch that starts with `first_record`.

    `stream_arn` is used when the record has no `eventSourceARN` (records read with boto3).
    """
    arn = first_record.get("eventSourceARN")
    table, label = table_and_label(arn if isinstance(arn, str) else stream_arn)
    number = safe_part(str(first_record["dynamodb"]["SequenceNumber"]))
    event_id = first_record.get("eventID")
    name = f"{number}-{safe_part(event_id)}" if isinstance(event_id, str) and event_id else number
    return f"{STREAM_PREFIX}/{table}/{label}/{name}.csv"


def canonical_json(payload: object) -> bytes:
    """The input as canonical JSON bytes: sorted keys, no whitespace, UTF-8."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8", "surrogatepass")


def direct_key(payload: object) -> str:
    """Key of the object holding a direct (Step Functions) input: a hash of its canonical JSON."""
    digest = hashlib.sha256(canonical_json(payload)).hexdigest()[:16]
    return f"{DIRECT_PREFIX}/{digest}.csv"
