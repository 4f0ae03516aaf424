"""The bucket cleaner empties the lab bucket on stack delete and always answers CloudFormation."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from bucket_cleaner.handler import empty_bucket, handler

BUCKET = "labkit-cleaner-test"


class _CloudFormation(BaseHTTPRequestHandler):
    """Stands in for CloudFormation's pre-signed response URL: records each PUT body."""

    answers: list[dict[str, Any]]

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.answers.append(json.loads(body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def cloudformation() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    server = HTTPServer(("127.0.0.1", 0), _CloudFormation)
    server.answers = []  # type: ignore[attr-defined]
    # shutdown() waits out one poll: a short one keeps each test from idling half a second
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/response", server.answers  # type: ignore[attr-defined]
    server.shutdown()


def _event(request_type: str, response_url: str, bucket: str = BUCKET) -> dict[str, Any]:
    return {
        "RequestType": request_type,
        "ResponseURL": response_url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/LabDdbStream/guid",
        "RequestId": "request-1",
        "LogicalResourceId": "CsvWriterOutputEmptyOnDelete",
        "ResourceType": "Custom::EmptyBucketOnDelete",
        "ResourceProperties": {"BucketName": bucket},
    }


@pytest.fixture
def bucket_with_files(s3: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    # DeleteObjects takes 1,000 keys a call; 2 here makes 5 files need three calls
    monkeypatch.setattr("bucket_cleaner.handler._DELETE_BATCH", 2)
    s3.create_bucket(Bucket=BUCKET)
    for index in range(5):
        s3.put_object(Bucket=BUCKET, Key=f"stream/Users/{index:04d}.csv", Body=b"userId\r\nu1\r\n")
    return s3


def test_delete_empties_the_bucket_and_reports_success(
    bucket_with_files: Any, cloudformation: tuple[str, list[dict[str, Any]]]
) -> None:
    url, answers = cloudformation
    handler(_event("Delete", url), None)
    assert bucket_with_files.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    (answer,) = answers
    assert answer["Status"] == "SUCCESS"
    assert answer["Reason"] == f"deleted 5 objects from {BUCKET}"
    assert answer["PhysicalResourceId"] == f"empty-on-delete-{BUCKET}"
    assert (answer["RequestId"], answer["LogicalResourceId"]) == ("request-1", "CsvWriterOutputEmptyOnDelete")


def test_create_and_update_touch_nothing(
    bucket_with_files: Any, cloudformation: tuple[str, list[dict[str, Any]]]
) -> None:
    url, answers = cloudformation
    handler(_event("Create", url), None)
    handler(_event("Update", url), None)
    assert bucket_with_files.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 5
    assert [answer["Status"] for answer in answers] == ["SUCCESS", "SUCCESS"]


def test_a_bucket_deleted_by_hand_does_not_strand_the_stack(
    s3: Any, cloudformation: tuple[str, list[dict[str, Any]]]
) -> None:
    url, answers = cloudformation
    handler(_event("Delete", url, bucket="labkit-no-such-bucket"), None)
    (answer,) = answers
    assert answer["Status"] == "SUCCESS"
    assert answer["Reason"] == "labkit-no-such-bucket no longer exists: nothing to empty"


def test_a_failure_is_reported_so_the_stack_does_not_hang_for_an_hour(
    bucket_with_files: Any, cloudformation: tuple[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any, **__: Any) -> dict[str, Any]:
        return {"Errors": [{"Key": "stream/Users/0000.csv", "Message": "Access Denied"}]}

    monkeypatch.setattr(bucket_with_files, "delete_objects", refuse)
    monkeypatch.setattr("bucket_cleaner.handler.boto3.client", lambda *_: bucket_with_files)
    url, answers = cloudformation
    handler(_event("Delete", url), None)
    (answer,) = answers
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == "RuntimeError: could not delete stream/Users/0000.csv: Access Denied"


def test_empty_bucket_counts_what_it_deleted(bucket_with_files: Any) -> None:
    assert empty_bucket(bucket_with_files, BUCKET) == 5
    assert empty_bucket(bucket_with_files, BUCKET) == 0
