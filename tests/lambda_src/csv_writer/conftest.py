"""CSV writer test fixtures: a bucket in moto's S3, sample events (tests/events/), record builders."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from csv_writer.csv_format import CHANGE_COLUMNS, Change, read_changes, read_csv

EVENTS = Path(__file__).resolve().parents[2] / "events"
BUCKET = "labkit-csv-test"
STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Users/stream/2024-05-01T12:00:00.000"
# any text a value or an attribute name may hold
any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
# where the handler writes tests/events/ddb_stream_batch.json
SAMPLE_KEY = "stream/Users/2024-05-01T12-00-00.000/111000000000000000001-evt0001.csv"


@pytest.fixture
def bucket(s3: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    s3.create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("BUCKET_NAME", BUCKET)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    return BUCKET


def load_event(name: str) -> Any:
    """A fresh copy of tests/events/<name>.json (tests may mutate it)."""
    return json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))


def read_rows(s3: Any, key: str, *, restore: bool = False) -> list[dict[str, str]]:
    """The items of a change table read back from S3 through the csv module, without the change columns."""
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    rows = read_csv(body, restore=restore)
    assert all(tuple(row)[:2] == CHANGE_COLUMNS for row in rows)
    return [{name: cell for name, cell in row.items() if name not in CHANGE_COLUMNS} for row in rows]


def changes_in(s3: Any, key: str) -> list[Change]:
    """Every row of a change table in S3: Op, TIMESTAMP and the item, names and cells restored."""
    return read_changes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def header_of(s3: Any, key: str) -> list[str]:
    """The header line's cells as written, change columns included."""
    body: bytes = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return body.decode("utf-8").split("\r\n", 1)[0].split(",")


def attribute_header(s3: Any, key: str) -> list[str]:
    """The header after the change columns `Op,TIMESTAMP`."""
    header = header_of(s3, key)
    assert tuple(header[:2]) == CHANGE_COLUMNS
    return header[2:]


def log_lines(captured: str) -> list[dict[str, Any]]:
    """The JSON log lines the handler printed."""
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def summaries(captured: str) -> list[dict[str, Any]]:
    """The handler's one summary line per invocation (what it wrote), without the event it logged first."""
    return [line for line in log_lines(captured) if line["message"] != "event received"]


def keys_in(s3: Any, prefix: str = "") -> list[str]:
    listing = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def stream_record(
    seq: int | str,
    image: dict[str, Any] | None,
    *,
    event_name: str = "INSERT",
    keys: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One Lambda-shaped DynamoDB stream record; `keys` defaults to the image's userId."""
    number = str(seq)
    if keys is None:
        keys = {"userId": copy.deepcopy((image or {}).get("userId", {"S": f"user-{number}"}))}
    data: dict[str, Any] = {"Keys": keys, "SequenceNumber": number, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if image is not None:
        data["NewImage"] = image
    return {
        "eventID": f"event-{number}",
        "eventName": event_name,
        "eventSource": "aws:dynamodb",
        "eventSourceARN": STREAM_ARN,
        "dynamodb": data,
    }


def user(seq: int, **extra: Any) -> dict[str, Any]:
    """An INSERT record of user u<seq> with name and age, plus extra typed attributes."""
    image = {"userId": {"S": f"u{seq}"}, "name": {"S": f"User {seq}"}, "age": {"N": str(20 + seq % 50)}}
    image.update(extra)
    return stream_record(seq, image)
