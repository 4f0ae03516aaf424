"""The CSV writer's entry point itself: its configuration, and what it logs through Powertools' Logger."""

from __future__ import annotations

from typing import Any

import pytest

from csv_writer.handler import ConfigurationError, handle, handler
from csv_writer.log import LOGGED_ITEMS, SERVICE, event_for_log

from .conftest import BUCKET, SAMPLE_KEY, load_event, log_lines, user


class Context:
    aws_request_id = "req-1"


def test_missing_bucket_name_is_a_clear_error(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUCKET_NAME", raising=False)
    with pytest.raises(ConfigurationError, match="BUCKET_NAME is not set"):
        handler({"Records": [user(1)]}, None)


def test_the_event_at_info_then_one_summary_line_as_powertools_json(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The course's first step, done by the kit's own writer: the event shows in the function's log."""
    event = load_event("ddb_stream_batch")

    handler(event, Context())

    received, summary = log_lines(capsys.readouterr().out)
    assert {key: received[key] for key in ("level", "service", "message", "request_id")} == {
        "level": "INFO",
        "service": SERVICE,
        "message": "event received",
        "request_id": "req-1",
    }
    assert received["event"] == {"records": event["Records"][:LOGGED_ITEMS], "more_records": 1}
    assert "timestamp" in received
    assert "location" in received
    assert {key: value for key, value in summary.items() if key not in ("timestamp", "location")} == {
        "level": "INFO",
        "service": SERVICE,
        "message": "stream batch written",
        "request_id": "req-1",
        "source": "stream",
        "records_in": 4,
        "rows_written": 4,
        "removes": 1,
        "bucket": BUCKET,
        "key": SAMPLE_KEY,
        "failed_records": 0,
        "failures": [],
    }


def test_a_big_batch_logs_its_first_records_whole_and_counts_the_rest() -> None:
    records = [user(i) for i in range(10_000)]

    logged = event_for_log({"Records": records})

    assert logged == {"records": records[:LOGGED_ITEMS], "more_records": 10_000 - LOGGED_ITEMS}
    assert event_for_log([{"userId": "a"}] * 5) == {"items": [{"userId": "a"}] * 3, "more_items": 2}
    assert event_for_log({"userId": "u-1"}) == {"userId": "u-1"}


def test_a_warning_level_hides_the_event_and_keeps_the_failures(
    s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from csv_writer.log import logger

    monkeypatch.setenv("BUCKET_NAME", "no-such-bucket-labkit")
    logger.setLevel("WARNING")
    try:
        handler(load_event("ddb_stream_batch"), None)
    finally:
        logger.setLevel("INFO")

    (line,) = log_lines(capsys.readouterr().out)
    assert (line["level"], line["message"]) == ("WARNING", "stream batch had failed records")


def test_handle_and_handler_log_through_one_logger_once(
    s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The kit's emulator check calls `handle`, Lambda calls `handler`: each invocation logs once."""
    handle({"userId": "u-1"}, bucket=BUCKET, s3_client=s3)
    handler({"userId": "u-2"}, None)

    lines = log_lines(capsys.readouterr().out)
    assert [line["message"] for line in lines] == [
        "event received",
        "input written",
        "event received",
        "input written",
    ]
    assert [line["event"] for line in lines[::2]] == [{"userId": "u-1"}, {"userId": "u-2"}]


def test_the_venv_has_the_powertools_release_of_the_writers_layer() -> None:
    """Tests and the emulator run the Powertools the pinned layer holds: one version, pinned in two places."""
    import importlib.metadata
    import tomllib
    from pathlib import Path

    from labs.shared_facts import POWERTOOLS_LAYER_VERSION, POWERTOOLS_PYPI_VERSION, powertools_layer_arn

    pyproject = tomllib.loads((Path(__file__).resolve().parents[3] / "pyproject.toml").read_text("utf-8"))
    extras = pyproject["project"]["optional-dependencies"]
    pins = [pin for group in extras.values() for pin in group if pin.startswith("aws-lambda-powertools")]

    assert importlib.metadata.version("aws-lambda-powertools") == POWERTOOLS_PYPI_VERSION
    assert pins == [f"aws-lambda-powertools=={POWERTOOLS_PYPI_VERSION}"] * 2  # the emulator and dev
    assert powertools_layer_arn("eu-west-1") == (
        "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:"
        f"{POWERTOOLS_LAYER_VERSION}"
    )
