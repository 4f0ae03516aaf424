"""The writer's logger: Powertools for AWS Lambda's Logger (a JSON object per line), and how it logs an event.

Powertools comes from the function's AWS-managed Lambda layer, pinned in labs/contract.py; `make setup`
installs the same release, so tests and the emulator log exactly as Lambda does. The level comes from
`POWERTOOLS_LOG_LEVEL` (or `LOG_LEVEL`), INFO by default.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.logging import Logger

SERVICE = "csv_writer"
# the first items of an event are logged whole, the rest only counted: a 10,000-record batch stays one line
LOGGED_ITEMS = 3


class _CurrentStdout:
    """sys.stdout as it is at each write: the Lambda log stream, or a test's capture."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


logger = Logger(service=SERVICE, stream=_CurrentStdout())  # type: ignore[arg-type]


def _first_items(items: list[Any], name: str) -> dict[str, Any]:
    shown = {name: items[:LOGGED_ITEMS]}
    return shown | ({f"more_{name}": len(items) - LOGGED_ITEMS} if len(items) > LOGGED_ITEMS else {})


def event_for_log(event: Any) -> Any:
    """The event as logged: a stream batch's first records whole and the rest counted; a list likewise."""
    if isinstance(event, Mapping) and isinstance(event.get("Records"), list):
        others = {key: value for key, value in event.items() if key != "Records"}
        return others | _first_items(event["Records"], "records")
    if isinstance(event, list):
        return _first_items(event, "items")
    return event
