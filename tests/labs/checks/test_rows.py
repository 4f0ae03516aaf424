"""The check's CSV reader (labs/checks/rows.py): the kit's change tables and a learner's plain CSV alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from csv_writer.batch import write_direct_input, write_stream_batch
from labs.checks.rows import FoundRow, find_row
from labs.deployed.session import new_session
from labs.function_labs.steps import user_row

BUCKET = "labkit-rows-test"
EVENTS = Path(__file__).resolve().parents[2] / "events"


def load_event(name: str) -> Any:
    return json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = new_session(region_name="us-east-1").client("s3")
        client.create_bucket(Bucket=BUCKET)
        yield client


def test_the_sample_users_row_is_found_in_the_writers_change_table(s3: Any) -> None:
    result = write_direct_input(load_event("stepfunctions_object"), bucket=BUCKET, s3_client=s3)
    assert result.key is not None

    found = find_row(s3, BUCKET, result.key, column="userId", value="u-200")

    assert found is not None
    assert found.row == {"userId": "u-200", "name": "Grace Hopper", "email": "grace@example.com"}
    assert found.op == "I"
    assert found.describe().startswith("userId=u-200, name=Grace Hopper, email=grace@example.com; Op=I, ")


def test_an_update_counts_and_a_delete_does_not(s3: Any) -> None:
    records = load_event("ddb_stream_modify_remove")["Records"]
    updated_and_deleted = write_stream_batch(records[1:], bucket=BUCKET, s3_client=s3)
    deleted_only = write_stream_batch(records[2:], bucket=BUCKET, s3_client=s3)
    assert updated_and_deleted.key is not None
    assert deleted_only.key is not None

    found = find_row(s3, BUCKET, updated_and_deleted.key, column="userId", value="u-7")

    assert found == FoundRow(
        updated_and_deleted.key,
        {"userId": "u-7", "email": "ada@example.com", "name": "Ada King"},
        "U",
        "2024-05-01T12:01:00Z",
    )
    assert found.describe().endswith("; Op=U, TIMESTAMP=2024-05-01T12:01:00Z")
    assert find_row(s3, BUCKET, deleted_only.key, column="userId", value="u-7") is None


def test_an_attribute_named_op_is_read_as_the_attribute(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="k.csv", Body=b"Op,TIMESTAMP,userId,_Op\r\nI,,u-1,'=x\r\n")

    found = find_row(s3, BUCKET, "k.csv", column="Op", value="=x")

    assert found is not None
    assert found.row == {"userId": "u-1", "Op": "=x"}
    assert found.op == "I"


def test_a_learners_plain_csv_is_read_as_it_is(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="mine.csv", Body=b"userId,name\r\nu-1,'-Ada\r\nu-2,Grace\r\n")

    found = find_row(s3, BUCKET, "mine.csv", column="userId", value="u-2")

    assert found == FoundRow("mine.csv", {"userId": "u-2", "name": "Grace"})
    assert found.describe() == "userId=u-2, name=Grace"
    assert find_row(s3, BUCKET, "mine.csv", column="userId", value="u-3") is None


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe not utf-8", b"Op,TIMESTAMP,userId\r\nI\r\n", b"userId,name\r\nu-1\r\n", b""],
)
def test_objects_that_are_not_the_users_csv_give_no_row(s3: Any, body: bytes) -> None:
    s3.put_object(Bucket=BUCKET, Key="odd.csv", Body=body)

    assert user_row(s3, BUCKET, "odd.csv", "u-1") is None
