"""One JSON object per log line on stdout (CloudWatch Logs Insights discovers its fields).

Log a dict (`log.info({"message": "...", "rows": 3})`) and its keys become top-level fields; a plain
message becomes `{"message": "..."}`. The level comes from the `LOG_LEVEL` environment variable
(default INFO), read on every invocation so a configuration change needs no cold start.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from typing import Any

LOGGER_NAME = "csv_writer"
DEFAULT_LEVEL = "INFO"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {"level": record.levelname, "logger": record.name}
        if isinstance(record.msg, Mapping):
            payload.update(record.msg)
        else:
            payload["message"] = record.getMessage()
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        # default=str: datetimes and bytes of boto3-shaped records still print at debug level
        return json.dumps(payload, ensure_ascii=False, default=str)


class StdoutHandler(logging.Handler):
    """Writes to the *current* sys.stdout (the Lambda log stream; pytest's capture in tests)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:  # logging must never fail the invocation
            self.handleError(record)


def get_logger() -> logging.Logger:
    """The package's logger, with the JSON handler attached once and no propagation (no double lines)."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(handler, StdoutHandler) for handler in logger.handlers):
        handler = StdoutHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
    return logger


def apply_level(logger: logging.Logger, environ: Mapping[str, str]) -> None:
    """Set the level from LOG_LEVEL; an unknown name falls back to INFO and says so."""
    name = environ.get("LOG_LEVEL", DEFAULT_LEVEL).strip().upper() or DEFAULT_LEVEL
    level = logging.getLevelName(name)
    if isinstance(level, int):
        logger.setLevel(level)
        return
    logger.setLevel(DEFAULT_LEVEL)
    logger.warning({"message": f"LOG_LEVEL={name!r} is not a logging level; using {DEFAULT_LEVEL}"})
