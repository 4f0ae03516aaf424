"""The shared handler: the heavy profile builds boto3 clients at init, the light one only the logger."""

from __future__ import annotations

import importlib
import io
import json
import sys
from types import ModuleType

import pytest


def load(monkeypatch: pytest.MonkeyPatch, profile: str) -> ModuleType:
    monkeypatch.setenv("COLDSTART_PROFILE", profile)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    sys.modules.pop("coldstart.handler", None)
    return importlib.import_module("coldstart.handler")


class Context:
    function_name = "fn"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:fn"
    memory_limit_in_mb = 128
    aws_request_id = "r-1"


def test_the_heavy_profile_creates_its_clients_at_init(monkeypatch: pytest.MonkeyPatch) -> None:
    heavy = load(monkeypatch, "heavy")
    light = load(monkeypatch, "light")

    assert sorted(heavy.CLIENTS) == ["athena", "dynamodb", "glue", "s3"]
    assert light.CLIENTS == {}


def test_each_invocation_logs_cold_start_then_counts_on(monkeypatch: pytest.MonkeyPatch) -> None:
    handler = load(monkeypatch, "light")
    written = io.StringIO()
    # Powertools keeps the stream of the first Logger of this name: read this test's lines from our own
    monkeypatch.setattr(handler.logger.registered_handler, "stream", written)

    first = handler.handler({}, Context())
    second = handler.handler({}, Context())
    lines = [json.loads(line) for line in written.getvalue().splitlines()]

    assert (first["environmentInvocations"], second["environmentInvocations"]) == (1, 2)
    assert [line["cold_start"] for line in lines] == [True, False]
    assert lines[0]["profile"] == "light"
