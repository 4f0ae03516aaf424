"""The CSV writer's entry point itself: its configuration and its one JSON log line per invocation."""

from __future__ import annotations

from typing import Any

import pytest

from csv_writer import jsonlog
from csv_writer.handler import ConfigurationError, handle, handler

from .conftest import BUCKET, SAMPLE_KEY, load_event, log_lines, user


def test_missing_bucket_name_is_a_clear_error(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUCKET_NAME", raising=False)
    with pytest.raises(ConfigurationError, match="BUCKET_NAME is not set"):
        handler({"Records": [user(1)]}, None)


def test_one_structured_log_line_per_invocation_and_the_event_at_debug(
    s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Context:
        aws_request_id = "req-1"

    event = load_event("ddb_stream_batch")
    handler(event, Context())
    (line,) = log_lines(capsys.readouterr().out)
    assert line == {
        "level": "INFO",
        "logger": "csv_writer",
        "message": "stream batch written",
        "request_id": "req-1",
        "source": "stream",
        "records_in": 4,
        "rows_written": 3,
        "removes": 1,
        "bucket": BUCKET,
        "key": SAMPLE_KEY,
        "failed_records": 0,
        "failures": [],
    }

    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    handler(event, Context())
    debug, summary = log_lines(capsys.readouterr().out)
    assert debug["level"] == "DEBUG"
    assert debug["event"] == event
    assert summary["rows_written"] == 3


def test_one_log_line_per_invocation_from_one_attached_handler(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The kit's emulator check calls `handle`, Lambda calls `handler`: both log through one JSON handler."""
    handle({"userId": "u-1"}, bucket=BUCKET, s3_client=s3)
    handler({"userId": "u-2"}, None)

    lines = log_lines(capsys.readouterr().out)
    assert [line["message"] for line in lines] == ["input written", "input written"]
    logger = jsonlog.get_logger()
    assert sum(isinstance(attached, jsonlog.StdoutHandler) for attached in logger.handlers) == 1
    assert logger.propagate is False
