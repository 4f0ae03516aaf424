"""The stream CSV says what happened: Op (I/U/D) and TIMESTAMP columns, deletes, binary values, odd names."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csv_writer.batch import convert_stream_batch
from csv_writer.changes import change_time
from csv_writer.csv_format import (
    CHANGE_COLUMNS,
    Change,
    attribute_column,
    attribute_name,
    build_change_csv,
    neutralize,
    read_changes,
)
from csv_writer.handler import handler

from .conftest import any_text, changes_in, keys_in, load_event, stream_record, summaries, user


def test_an_insert_an_update_and_a_delete_are_three_rows_that_say_so(s3: Any, bucket: str) -> None:
    assert handler(load_event("ddb_stream_modify_remove"), None) == {"batchItemFailures": []}

    (key,) = keys_in(s3)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert body == (
        b"Op,TIMESTAMP,userId,email,name\r\n"
        b"I,2024-05-01T12:00:00Z,u-7,ada@example.com,Ada Lovelace\r\n"
        b"U,2024-05-01T12:01:00Z,u-7,ada@example.com,Ada King\r\n"
        b"D,2024-05-01T12:02:00Z,u-7,ada@example.com,Ada King\r\n"
    )


def test_the_labs_new_image_stream_deletes_with_the_key_alone(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert handler(load_event("ddb_stream_remove_new_image"), None) == {"batchItemFailures": []}

    (key,) = keys_in(s3)
    assert changes_in(s3, key) == [
        Change(
            "U",
            "2024-05-01T13:00:00Z",
            {"userId": "u-8", "email": "grace@navy.example", "name": "Grace Hopper"},
        ),
        Change("D", "2024-05-01T13:00:01Z", {"userId": "u-8", "email": "", "name": ""}),
    ]
    (line,) = summaries(capsys.readouterr().out)
    assert (line["rows_written"], line["removes"]) == (2, 1)


def test_a_keys_only_remove_is_a_delete_and_a_remove_with_nothing_is_a_failure(s3: Any, bucket: str) -> None:
    composite = {"userId": {"S": "u1"}, "orderId": {"N": "7"}}
    keys_only = stream_record(2, None, event_name="REMOVE", keys=composite)
    keys_only["dynamodb"]["StreamViewType"] = "KEYS_ONLY"
    empty = stream_record(3, None, event_name="REMOVE", keys={})
    del empty["dynamodb"]["Keys"]

    response = handler({"Records": [user(1), keys_only, empty, user(4)]}, None)

    assert response == {"batchItemFailures": [{"itemIdentifier": "3"}]}
    (key,) = keys_in(s3)
    changes = changes_in(s3, key)
    assert [(change.op, change.item["userId"], change.item["orderId"]) for change in changes] == [
        ("I", "u1", ""),
        ("D", "u1", "7"),
    ]


def test_a_remove_with_an_old_image_missing_its_key_takes_it_from_keys(s3: Any, bucket: str) -> None:
    remove = stream_record(1, None, event_name="REMOVE", keys={"userId": {"S": "u9"}})
    remove["dynamodb"]["OldImage"] = {"name": {"S": "gone"}}
    handler({"Records": [remove]}, None)

    (key,) = keys_in(s3)
    assert changes_in(s3, key) == [Change("D", "", {"userId": "u9", "name": "gone"})]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (1714564800, "2024-05-01T12:00:00Z"),
        (1714564800.0, "2024-05-01T12:00:00Z"),  # JSON's 1.7145648E9 parses as a float
        (1714564800.25, "2024-05-01T12:00:00.25Z"),
        (Decimal("1714564800.123456"), "2024-05-01T12:00:00.123456Z"),
        (datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))), "2024-05-01T12:00:00Z"),
        (datetime(2024, 5, 1, 12, 0), "2024-05-01T12:00:00Z"),  # naive: taken as UTC
        (0, "1970-01-01T00:00:00Z"),
        (None, ""),
    ],
)
def test_the_change_time_is_iso_8601_utc(value: object, cell: str) -> None:
    assert change_time(value) == cell


@pytest.mark.parametrize("value", ["1714564800", True, float("nan"), float("inf"), 10**20, [1]])
def test_a_change_time_that_is_no_time_fails_its_record_alone(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str], value: object
) -> None:
    odd = user(2)
    odd["dynamodb"]["ApproximateCreationDateTime"] = value

    response = handler({"Records": [user(1), odd, user(3)]}, None)

    assert response == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    (line,) = summaries(capsys.readouterr().out)
    assert "ApproximateCreationDateTime" in line["failures"][0]["reason"]


def test_binary_values_are_written_as_base64_that_decodes_to_the_exact_bytes(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    event = load_event("ddb_stream_binary")

    response = handler(event, None)

    # the emulator's b'...' text fails its record alone, with the reason; the record before it is written
    assert response == {"batchItemFailures": [{"itemIdentifier": "555000000000000000002"}]}
    (line,) = summaries(capsys.readouterr().out)
    (failure,) = line["failures"]
    assert failure["reason"] == (
        "attribute 'avatar': B value is not base64 text (Only base64 data is allowed): \"b'AAH/aGVsbG8='\""
    )
    assert line["deferred_to_retry"] == 1
    (key,) = keys_in(s3)
    (change,) = changes_in(s3, key)
    item = change.item
    assert base64.b64decode(item["avatar"], validate=True) == b"\x00\x01\xffhello"
    assert item["plus"] == "+AA="  # written '+AA= against formulas, restored on reading
    assert item["empty"] == ""
    assert item["keys"] == '["AAE=","/w=="]'
    assert item["profile"] == '{"thumb":"iVBORw0KGgo=","chunks":["AA=="]}'


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"B": "aGk"}, "B value is not base64 text (Incorrect padding): 'aGk'"),
        ({"B": "aGk=\n"}, "B value is not base64 text (Excess data after padding)"),
        ({"B": "a GI="}, "B value is not base64 text (Only base64 data is allowed)"),
        ({"BS": ["aGk=", "%%"]}, "BS value is not base64 text"),
        ({"M": {"b": {"B": "é"}}}, "['b']: B value is not base64 text"),
        ({"L": [{"BS": ["b'x'"]}]}, "[0]: BS value is not base64 text"),
    ],
)
def test_base64_that_does_not_decode_is_a_per_record_failure(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str], value: dict[str, Any], reason: str
) -> None:
    broken = stream_record(2, {"userId": {"S": "u2"}, "blob": value})

    assert handler({"Records": [user(1), broken]}, None) == {"batchItemFailures": [{"itemIdentifier": "2"}]}

    (line,) = summaries(capsys.readouterr().out)
    assert reason in line["failures"][0]["reason"]
    (key,) = keys_in(s3)
    assert [change.item["userId"] for change in changes_in(s3, key)] == ["u1"]


def test_base64_with_stray_bits_is_written_in_its_canonical_form() -> None:
    # "aGl=" and "aGk=" decode to the same bytes b"hi": the cell is the one base64 text of those bytes
    plan, _ = convert_stream_batch([stream_record(1, {"userId": {"S": "u1"}, "b": {"B": "aGl="}})])
    assert plan.rows == [{"userId": "u1", "b": "aGk="}]


@pytest.mark.parametrize("name", ["Op", "TIMESTAMP", "_Op", "__TIMESTAMP", "'Op", "op", "Op_"])
def test_an_attribute_named_like_a_change_column_never_takes_its_place(
    s3: Any, bucket: str, name: str
) -> None:
    record = stream_record(1, {"userId": {"S": "u1"}, name: {"S": "X"}}, event_name="MODIFY")
    handler({"Records": [record]}, None)

    (key,) = keys_in(s3)
    assert changes_in(s3, key) == [Change("U", "", {"userId": "u1", name: "X"})]
    header = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().split("\r\n")[0].split(",")
    assert header[:2] == list(CHANGE_COLUMNS)
    assert header.count("Op") == header.count("TIMESTAMP") == 1


def test_a_csv_that_is_no_change_table_is_refused_by_the_reader() -> None:
    with pytest.raises(ValueError, match="not a change table"):
        read_changes(b"userId,name\r\nu1,Ada\r\n")
    assert read_changes(b"") == []


def test_unknown_event_names_still_fail_before_any_row() -> None:
    plan, body = convert_stream_batch([stream_record(1, {"userId": {"S": "u1"}}, event_name="UPSERT")])
    assert body is None
    assert "eventName 'UPSERT' is not INSERT, MODIFY or REMOVE" in plan.failures[0].reason


with_change_names = st.one_of(any_text, st.sampled_from(["Op", "TIMESTAMP", "_Op", "__TIMESTAMP", "'Op"]))


@given(any_text)
def test_attribute_columns_round_trip(name: str) -> None:
    assert attribute_name(attribute_column(name)) == name
    assert attribute_column(name) not in CHANGE_COLUMNS


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["INSERT", "MODIFY", "REMOVE"]),
            st.integers(min_value=0, max_value=4_102_444_800),
            st.dictionaries(with_change_names, any_text, max_size=4),
        ),
        min_size=1,
        max_size=6,
    )
)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_any_batch_of_changes_round_trips_through_the_csv(
    changes: list[tuple[str, int, dict[str, str]]],
) -> None:
    records = []
    for seq, (event_name, seconds, attributes) in enumerate(changes, start=1):
        image = {name: {"S": text} for name, text in attributes.items()} | {"userId": {"S": f"u{seq}"}}
        record = stream_record(seq, None if event_name == "REMOVE" else image, event_name=event_name)
        if event_name == "REMOVE":
            record["dynamodb"]["OldImage"] = image
        record["dynamodb"]["ApproximateCreationDateTime"] = seconds
        records.append(record)

    plan, body = convert_stream_batch(records)

    assert plan.failures == []
    assert body is not None
    read_back = read_changes(body)
    letters = {"INSERT": "I", "MODIFY": "U", "REMOVE": "D"}
    assert [change.op for change in read_back] == [letters[event_name] for event_name, _, _ in changes]
    for change, (_, seconds, attributes) in zip(read_back, changes, strict=True):
        assert datetime.fromisoformat(change.time) == datetime.fromtimestamp(seconds, UTC)
        # every attribute this record has comes back exactly; the others of the batch are empty cells
        for name, text in attributes.items():
            if name != "userId":
                assert change.item[name] == text


@given(st.lists(st.dictionaries(with_change_names, any_text, max_size=4), min_size=1, max_size=4))
@settings(max_examples=100)
def test_build_and_read_change_csv_are_inverse(items: list[dict[str, str]]) -> None:
    columns = list(dict.fromkeys(name for item in items for name in item))
    ops = ["I", "U", "D", "I"][: len(items)]
    times = [f"2024-05-01T12:00:0{index}Z" for index in range(len(items))]
    rows = [{name: neutralize(text) for name, text in item.items()} for item in items]
    read_back = read_changes(build_change_csv(columns, rows, ops=ops, times=times))
    assert [(change.op, change.time) for change in read_back] == list(zip(ops, times, strict=True))
    for change, item in zip(read_back, items, strict=True):
        assert change.item == {name: item.get(name, "") for name in columns}
