"""The CSV writer on Step Functions and direct inputs (lab 4), against moto's S3."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from csv_writer.batch import direct_rows, write_direct_input
from csv_writer.cells import ConversionError
from csv_writer.handler import handler

from .conftest import BUCKET, changes_in, keys_in, load_event, read_rows, summaries


def test_step_functions_object_is_one_row_and_the_output_says_where(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = handler(load_event("stepfunctions_object"), None)

    assert re.fullmatch(r"direct/[0-9a-f]{16}\.csv", output["key"])
    assert output == {
        "bucket": BUCKET,
        "key": output["key"],
        "rows": 1,
        "uri": f"s3://{BUCKET}/{output['key']}",
    }
    assert keys_in(s3) == [output["key"]]
    assert read_rows(s3, output["key"]) == [
        {"userId": "u-200", "name": "Grace Hopper", "email": "grace@example.com"}
    ]
    (line,) = summaries(capsys.readouterr().out)
    assert (line["source"], line["rows_written"], line["key"]) == ("direct", 1, output["key"])


def test_list_input_is_one_row_per_object_with_the_union_of_fields(s3: Any, bucket: str) -> None:
    output = handler(load_event("stepfunctions_list"), None)

    assert output["rows"] == 3
    body = s3.get_object(Bucket=BUCKET, Key=output["key"])["Body"].read()
    header = body.decode("utf-8").split("\r\n", 1)[0]
    assert header == "Op,TIMESTAMP,userId,name,score,active,tags,manager,profile"
    assert read_rows(s3, output["key"]) == [
        {"userId": "u-201", "name": "Alan Turing", "score": "0.1", "active": "", "tags": "", "manager": "",
         "profile": ""},
        {"userId": "u-202", "name": "'-Katherine, Johnson", "score": "", "active": "true",
         "tags": '["nasa","math"]', "manager": "", "profile": ""},
        {"userId": "u-203", "name": "", "score": "", "active": "", "tags": "", "manager": "",
         "profile": '{"city":"Paris","age":36}'},
    ]  # fmt: skip


def test_a_direct_input_is_an_insert_stamped_with_the_time_it_was_written(s3: Any, bucket: str) -> None:
    written = datetime(2030, 1, 2, 3, 4, 5, 678_000, tzinfo=UTC)

    result = write_direct_input(load_event("stepfunctions_list"), bucket=BUCKET, s3_client=s3, now=written)

    assert result.key is not None
    changes = changes_in(s3, result.key)
    assert [(change.op, change.time) for change in changes] == [("I", "2030-01-02T03:04:05Z")] * 3
    assert changes[0].item["userId"] == "u-201"


def test_handler_stamps_a_direct_input_with_the_current_time(s3: Any, bucket: str) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    output = handler({"userId": "u1"}, None)
    after = datetime.now(UTC)

    (change,) = changes_in(s3, output["key"])
    assert change.op == "I"
    assert before <= datetime.fromisoformat(change.time) <= after


def test_the_same_input_overwrites_its_own_object(s3: Any, bucket: str) -> None:
    first = handler({"userId": "u1", "name": "A"}, None)
    again = handler({"name": "A", "userId": "u1"}, None)  # same input, other key order
    other = handler({"userId": "u2", "name": "B"}, None)

    assert first["key"] == again["key"] != other["key"]
    assert keys_in(s3) == sorted([first["key"], other["key"]])
    assert len(read_rows(s3, first["key"])) == 1


@pytest.mark.parametrize("payload", [[], {}, [{}]])
def test_inputs_without_rows_write_nothing(s3: Any, bucket: str, payload: Any) -> None:
    assert handler(payload, None) == {"bucket": BUCKET, "key": None, "rows": 0, "uri": None}
    assert keys_in(s3) == []


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("just text", "input must be a JSON object or a list of objects, got str"),
        (42, "got int"),
        ([{"a": 1}, "b"], "input item 1 must be a JSON object, got str"),
        ({"a": float("nan")}, "field 'a': number nan has no CSV form"),
    ],
)
def test_inputs_that_are_not_rows_fail_the_task_and_write_nothing(
    s3: Any, bucket: str, payload: Any, message: str
) -> None:
    with pytest.raises(ConversionError) as caught:
        handler(payload, None)
    assert message in str(caught.value)
    assert keys_in(s3) == []


def test_s3_failure_raises_so_step_functions_sees_it(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError, match="NoSuchBucket"):
        write_direct_input({"userId": "u1"}, bucket="no-such-bucket-labkit", s3_client=s3)
    assert keys_in(s3) == []


def test_direct_rows_keep_first_seen_column_order() -> None:
    columns, rows = direct_rows([{"b": 1, "a": 2}, {"c": 3, "a": 4}])
    assert columns == ["b", "a", "c"]
    assert rows == [{"b": "1", "a": "2"}, {"c": "3", "a": "4"}]
