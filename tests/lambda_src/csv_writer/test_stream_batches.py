"""The CSV writer on DynamoDB stream batches (lab 3), against moto's S3."""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from csv_writer import handler as handler_module
from csv_writer.batch import write_stream_batch
from csv_writer.csv_format import Change, read_csv
from csv_writer.handler import handler
from csv_writer.records import MalformedBatchError
from labs.deployed.session import new_session

from .conftest import (
    BUCKET,
    SAMPLE_KEY,
    STREAM_ARN,
    attribute_header,
    changes_in,
    keys_in,
    load_event,
    read_rows,
    stream_record,
    summaries,
    user,
)


def test_sample_batch_becomes_one_object_with_every_type_lossless(s3: Any, bucket: str) -> None:
    response = handler(load_event("ddb_stream_batch"), None)

    assert response == {"batchItemFailures": []}
    assert keys_in(s3) == [SAMPLE_KEY]
    rows = read_rows(s3, SAMPLE_KEY)
    assert [row["userId"] for row in rows] == ["u1", "u2", "u3", "u4"]
    assert [(change.op, change.time) for change in changes_in(s3, SAMPLE_KEY)] == [
        ("I", "2024-05-01T12:00:00Z"),
        ("U", "2024-05-01T12:00:00Z"),
        ("D", "2024-05-01T12:00:00Z"),  # the REMOVE of u3, as its OldImage shows it
        ("I", "2024-05-01T12:00:00Z"),
    ]
    assert rows[2]["name"] == "Removed User"
    ada = rows[0]
    assert ada["name"] == "Ada Lovelace"
    assert ada["balance"] == "12345678901234567890123456789012345678"
    assert ada["ratio"] == "0.1"
    assert ada["delta"] == "-5"
    assert ada["pic"] == "aGVsbG8="
    assert ada["active"] == "true"
    assert ada["nickname"] == ""
    assert ada["tags"] == '["admin","ops"]'
    assert ada["scores"] == "[1,0.1,99999999999999999999999999999999999999]"
    assert ada["blobs"] == '["aGVsbG8=","+AA="]'
    assert ada["history"] == '["x",2,false,null,[0.30]]'
    assert json.loads(ada["address"], parse_float=Decimal) == {
        "city": "London",
        "zip": 1,
        "photo": "aGVsbG8=",
        "deep": {"tags": ["a"]},
    }
    assert ada["email"] == ""  # an attribute only other items have: empty cell


def test_columns_are_the_change_columns_then_keys_then_the_sorted_union(s3: Any, bucket: str) -> None:
    handler(load_event("ddb_stream_batch"), None)

    header = attribute_header(s3, SAMPLE_KEY)
    assert s3.get_object(Bucket=BUCKET, Key=SAMPLE_KEY)["Body"].read().startswith(b"Op,TIMESTAMP,userId,")
    assert header[0] == "userId"  # the partition key first
    assert header[1:] == sorted(header[1:])
    assert set(header[1:]) == {
        "name", "balance", "ratio", "delta", "pic", "active", "nickname", "tags", "scores", "blobs",
        "history", "address", "email", "note",
    }  # fmt: skip


def test_quoting_unicode_and_formula_injection(s3: Any, bucket: str) -> None:
    handler(load_event("ddb_stream_batch"), None)

    body = s3.get_object(Bucket=BUCKET, Key=SAMPLE_KEY)["Body"].read()
    assert b'"Grace ""Amazing"" Hopper, RADM"' in body  # RFC 4180 quoting
    rows = {row["userId"]: row for row in read_csv(body)}
    assert rows["u2"]["name"] == 'Grace "Amazing" Hopper, RADM'
    assert rows["u2"]["note"] == "line one\nline two"
    assert rows["u4"]["note"] == "Zoë 🚀 東京"
    assert rows["u4"]["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows["u4"]["email"] == "'@SUM(1+1)"
    assert rows["u4"]["delta"] == "-7"  # a number stays a number
    restored = {row["userId"]: row for row in read_csv(body, restore=True)}
    assert restored["u4"]["name"] == '=HYPERLINK("http://evil.example","click")'


def test_heterogeneous_items_share_one_header(s3: Any, bucket: str) -> None:
    records = [
        user(1, email={"S": "a@example.com"}),
        user(2, team={"S": "ops"}, vip={"BOOL": True}),
        stream_record(3, {"userId": {"S": "u3"}, "zeta": {"N": "1"}}),
    ]
    handler({"Records": records}, None)

    (key,) = keys_in(s3)
    assert attribute_header(s3, key) == ["userId", "age", "email", "name", "team", "vip", "zeta"]
    rows = read_rows(s3, key)
    assert rows[0] == {"userId": "u1", "age": "21", "email": "a@example.com", "name": "User 1", "team": "",
                       "vip": "", "zeta": ""}  # fmt: skip
    assert rows[2] == {"userId": "u3", "age": "", "email": "", "name": "", "team": "", "vip": "", "zeta": "1"}


def test_composite_keys_come_first_in_keys_order(s3: Any, bucket: str) -> None:
    image = {"b": {"S": "x"}, "orderId": {"N": "7"}, "userId": {"S": "u1"}, "a": {"S": "y"}}
    record = stream_record(1, image, keys={"userId": {"S": "u1"}, "orderId": {"N": "7"}})
    handler({"Records": [record]}, None)

    (key,) = keys_in(s3)
    assert attribute_header(s3, key) == ["userId", "orderId", "a", "b"]


def test_a_key_attribute_missing_from_the_new_image_is_taken_from_keys(s3: Any, bucket: str) -> None:
    first = stream_record(1, {"name": {"S": "no key in the image"}}, keys={"userId": {"S": "u1"}})
    second = user(2)
    assert handler({"Records": [first, second]}, None) == {"batchItemFailures": []}

    (key,) = keys_in(s3)
    assert attribute_header(s3, key)[0] == "userId"
    assert [row["userId"] for row in read_rows(s3, key)] == ["u1", "u2"]


def test_modify_writes_the_new_image_and_a_remove_only_batch_writes_its_delete(s3: Any, bucket: str) -> None:
    modify = stream_record(5, {"userId": {"S": "u5"}, "name": {"S": "new name"}}, event_name="MODIFY")
    modify["dynamodb"]["OldImage"] = {"userId": {"S": "u5"}, "name": {"S": "old name"}}
    assert handler({"Records": [modify]}, None) == {"batchItemFailures": []}
    (key,) = keys_in(s3)
    assert changes_in(s3, key) == [Change("U", "", {"userId": "u5", "name": "new name"})]  # no time given

    remove = stream_record(6, None, event_name="REMOVE", keys={"userId": {"S": "u5"}})
    assert handler({"Records": [remove]}, None) == {"batchItemFailures": []}
    (removed,) = set(keys_in(s3)) - {key}
    assert changes_in(s3, removed) == [Change("D", "", {"userId": "u5"})]


def test_empty_batch_writes_nothing_and_succeeds(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert handler(load_event("ddb_stream_empty"), None) == {"batchItemFailures": []}
    assert keys_in(s3) == []
    (line,) = summaries(capsys.readouterr().out)
    assert line["records_in"] == 0
    assert line["rows_written"] == 0
    assert "key" not in line  # Powertools leaves out fields that are None


def test_redelivered_batch_overwrites_its_own_object(s3: Any, bucket: str) -> None:
    event = {"Records": [user(i) for i in range(1, 6)]}
    handler(event, None)
    handler(event, None)  # Lambda redelivers the same batch
    # a retry that starts at the same record but carries more records (they arrived meanwhile)
    handler({"Records": [user(i) for i in range(1, 9)]}, None)

    (key,) = keys_in(s3)
    assert [row["userId"] for row in read_rows(s3, key)] == [f"u{i}" for i in range(1, 9)]


def test_a_bisected_retry_after_a_killed_invocation_keeps_rows_exactly_once(s3: Any, bucket: str) -> None:
    records = [user(i) for i in range(1, 11)]
    handler({"Records": records}, None)  # S3 accepted the object, then the invocation timed out
    handler({"Records": records[:5]}, None)  # Lambda bisects: the first half starts at the same record
    handler({"Records": records[5:]}, None)

    written = [row["userId"] for key in keys_in(s3) for row in read_rows(s3, key)]
    assert sorted(written, key=lambda user_id: int(user_id[1:])) == [f"u{i}" for i in range(1, 11)]


def test_keys_are_deterministic_and_s3_safe(s3: Any, bucket: str) -> None:
    first = user(42)
    first["eventID"] = "id with/odd:chars"
    handler({"Records": [first, user(43)]}, None)

    assert keys_in(s3) == ["stream/Users/2024-05-01T12-00-00.000/42-id-with-odd-chars.csv"]


def test_s3_failure_reports_every_record_and_a_retry_writes_once(
    s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event = load_event("ddb_stream_batch")
    numbers = [record["dynamodb"]["SequenceNumber"] for record in event["Records"]]
    monkeypatch.setenv("BUCKET_NAME", "no-such-bucket-labkit")

    response = handler(event, None)

    assert [item["itemIdentifier"] for item in response["batchItemFailures"]] == numbers
    assert keys_in(s3) == []
    (line,) = summaries(capsys.readouterr().out)
    assert line["level"] == "WARNING"
    assert "NoSuchBucket" in line["write_error"]
    assert line["failed_records"] == 4

    monkeypatch.setenv("BUCKET_NAME", bucket)
    assert handler(event, None) == {"batchItemFailures": []}
    assert len(read_rows(s3, SAMPLE_KEY)) == 4


def test_network_failure_reports_the_batch_failed(
    s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = handler_module.s3_client()

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://s3.us-east-1.amazonaws.com")

    monkeypatch.setattr(client, "put_object", unreachable)
    records = [user(1), user(2)]

    response = handler({"Records": records}, None)

    assert response == {"batchItemFailures": [{"itemIdentifier": "1"}, {"itemIdentifier": "2"}]}
    assert keys_in(s3) == []


def test_malformed_record_first_delivery_writes_only_the_rows_before_it(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    event = load_event("ddb_stream_malformed")

    response = handler(event, None)

    assert response == {"batchItemFailures": [{"itemIdentifier": "222000000000000000002"}]}
    (key,) = keys_in(s3)
    assert [row["userId"] for row in read_rows(s3, key)] == ["u10"]
    (line,) = summaries(capsys.readouterr().out)
    assert line["level"] == "WARNING"
    assert line["rows_written"] == 1
    assert line["deferred_to_retry"] == 1
    (failure,) = line["failures"]
    assert failure["itemIdentifier"] == "222000000000000000002"
    assert failure["keys"] == {"userId": {"S": "u11"}}
    assert "attribute 'age': N value must be a number as text, got 'thirty'" in failure["reason"]


def test_poison_record_is_never_lost_and_no_row_is_duplicated_across_retries(s3: Any, bucket: str) -> None:
    records = load_event("ddb_stream_malformed")["Records"]
    poison = records[1]["dynamodb"]["SequenceNumber"]

    # what the event source mapping does: retry from the lowest reported sequence number, twice
    first = handler({"Records": records}, None)
    redelivered = records[[r["dynamodb"]["SequenceNumber"] for r in records].index(poison) :]
    second = handler({"Records": redelivered}, None)
    third = handler({"Records": redelivered}, None)

    for response in (first, second, third):
        assert response == {"batchItemFailures": [{"itemIdentifier": poison}]}
    written = [row["userId"] for key in keys_in(s3) for row in read_rows(s3, key)]
    assert sorted(written) == ["u10", "u12"]  # every good record exactly once; u11 goes to the DLQ


def test_a_batch_starting_with_poison_reports_every_failed_record(s3: Any, bucket: str) -> None:
    records = [
        stream_record(1, {"userId": {"S": "u1"}, "age": {"N": "x"}}),
        user(2),
        stream_record(3, {"userId": {"S": "u3"}, "pic": {"B": 12}}),
        user(4),
    ]

    response = handler({"Records": records}, None)

    assert response == {"batchItemFailures": [{"itemIdentifier": "1"}, {"itemIdentifier": "3"}]}
    (key,) = keys_in(s3)
    assert key.endswith("/1-event-1.csv")
    assert [row["userId"] for row in read_rows(s3, key)] == ["u2", "u4"]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (
            stream_record(2, {"userId": {"S": "u2"}, "x": {"DATE": "2024"}}),
            "unknown DynamoDB type tag 'DATE'",
        ),
        (stream_record(2, None, keys={"userId": {"S": "u2"}}), "stream view type must be NEW_IMAGE"),
        (stream_record(2, {"userId": {"S": "u2"}}, event_name="UPSERT"), "eventName 'UPSERT'"),
        (stream_record(2, {"userId": "u2"}), "attribute 'userId'"),
        (
            stream_record(2, {"userId": {"S": "u2"}, "ok": {"BOOL": "yes"}}),
            "BOOL value must be true or false",
        ),
    ],
)
def test_unconvertible_records_are_reported_with_a_reason(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str], record: dict[str, Any], reason: str
) -> None:
    response = handler({"Records": [user(1), record, user(3)]}, None)

    assert response == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    (key,) = keys_in(s3)
    assert [row["userId"] for row in read_rows(s3, key)] == ["u1"]
    (line,) = summaries(capsys.readouterr().out)
    assert reason in line["failures"][0]["reason"]


def test_record_without_sequence_number_fails_the_invocation_before_writing(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = user(2)
    del broken["dynamodb"]["SequenceNumber"]

    with pytest.raises(MalformedBatchError, match=r"record 1 has no dynamodb\.SequenceNumber"):
        handler({"Records": [user(1), broken]}, None)

    assert keys_in(s3) == []
    (line,) = summaries(capsys.readouterr().out)
    assert line["level"] == "ERROR"
    assert line["records_in"] == 2


def test_ten_thousand_records_in_one_put(s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = handler_module.s3_client()
    puts: list[str] = []

    def counted_put(**kwargs: Any) -> Any:
        puts.append(kwargs["Key"])
        return put_object(**kwargs)

    put_object = client.put_object
    monkeypatch.setattr(client, "put_object", counted_put)
    records = [user(i, score={"N": f"{i}.5"}, tags={"SS": ["a", "b"]}) for i in range(1, 10_001)]

    started = time.perf_counter()
    response = handler({"Records": records}, None)
    elapsed = time.perf_counter() - started

    assert response == {"batchItemFailures": []}
    assert len(puts) == 1
    (key,) = keys_in(s3)
    rows = read_rows(s3, key)
    assert len(rows) == 10_000
    assert rows[0] == {"userId": "u1", "age": "21", "name": "User 1", "score": "1.5", "tags": '["a","b"]'}
    assert rows[-1]["userId"] == "u10000"
    assert len({row["userId"] for row in rows}) == 10_000
    assert elapsed < 3.0  # Lambda's default timeout; `make bench` measures the real figure


def test_records_read_with_boto3_from_a_real_stream(s3: Any, bucket: str) -> None:
    """The kit's emulator check path: get_records gives binary as bytes and no eventSourceARN."""
    dynamodb = new_session(region_name="us-east-1").client("dynamodb")
    table = dynamodb.create_table(
        TableName="Users",
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    stream_arn = table["TableDescription"]["LatestStreamArn"]
    dynamodb.put_item(
        TableName="Users",
        Item={"userId": {"S": "u1"}, "pic": {"B": b"\xf8\x00"}, "n": {"N": "0.1"}, "bs": {"BS": [b"hi"]}},
    )
    dynamodb.delete_item(TableName="Users", Key={"userId": {"S": "u1"}})
    # moto 5.2 serves streams on the classic endpoint only, not the account-based one
    streams = new_session(region_name="us-east-1").client(
        "dynamodbstreams", config=Config(account_id_endpoint_mode="disabled")
    )
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert isinstance(records[0]["dynamodb"]["NewImage"]["pic"]["B"], bytes)

    result = write_stream_batch(records, bucket=bucket, s3_client=s3, stream_arn=stream_arn)

    assert result.batch_item_failures == []
    assert (result.rows_written, result.removes) == (2, 1)
    assert result.key is not None
    assert result.key.startswith("stream/Users/")
    item = {"userId": "u1", "bs": '["aGk="]', "n": "0.1", "pic": "'+AA="}
    assert read_rows(s3, result.key) == [item, item]  # the delete as its OldImage shows it
    assert read_rows(s3, result.key, restore=True)[0]["pic"] == "+AA="
    changes = changes_in(s3, result.key)
    assert [change.op for change in changes] == ["I", "D"]
    # boto3 gives ApproximateCreationDateTime as a datetime: the same ISO-8601 UTC text
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", change.time) for change in changes)


def test_stream_arn_is_optional_for_boto3_records(s3: Any, bucket: str) -> None:
    record = user(7)
    del record["eventSourceARN"]
    result = write_stream_batch([record], bucket=bucket, s3_client=s3)
    assert result.key == "stream/unknown/unknown/7-event-7.csv"
    result = write_stream_batch([record], bucket=bucket, s3_client=s3, stream_arn=STREAM_ARN)
    assert result.key == "stream/Users/2024-05-01T12-00-00.000/7-event-7.csv"
