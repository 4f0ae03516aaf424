"""What a function's log says of each invocation: REPORT's figures, its environment, Powertools' cold_start.

Reads Lambda's platform lines in either log format (Text: `REPORT RequestId: ...\\tInit Duration: 91.20 ms`;
JSON: `{"type": "platform.report", "record": {"metrics": {"initDurationMs": ...}}}`) and Powertools Logger's
JSON lines (`"cold_start": true`, `"function_request_id"`). Plain code over log events, no AWS calls.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

_FIELD = re.compile(r"(Duration|Billed Duration|Memory Size|Max Memory Used|Init Duration): ([\d.]+)")
_REQUEST = re.compile(r"^REPORT RequestId: (\S+)")


@dataclass(frozen=True, kw_only=True)
class InvocationRecord:
    """One invocation as its REPORT (and Powertools' line) describe it."""

    request_id: str
    # the log stream: one per execution environment
    environment: str
    timestamp_ms: int
    duration_ms: float
    billed_ms: float
    memory_mb: int
    max_memory_mb: int | None = None
    # present only when this invocation started its environment (on demand)
    init_ms: float | None = None
    # Powertools Logger's view: True on the first invocation of an on-demand environment
    cold_start: bool | None = None

    @property
    def cold(self) -> bool:
        return self.init_ms is not None


def parse_report(message: str) -> dict[str, Any] | None:
    """A REPORT line's figures (text or JSON format), or None for any other line."""
    text = message.strip()
    if text.startswith("REPORT RequestId:"):
        request = _REQUEST.match(text)
        fields = {name: float(value) for name, value in _FIELD.findall(text)}
        if request is None or "Duration" not in fields:
            return None
        return {
            "request_id": request.group(1),
            "duration_ms": fields["Duration"],
            "billed_ms": fields.get("Billed Duration", 0.0),
            "memory_mb": int(fields.get("Memory Size", 0)),
            "max_memory_mb": int(fields["Max Memory Used"]) if "Max Memory Used" in fields else None,
            "init_ms": fields.get("Init Duration"),
        }
    event = _json(text)
    if event is None or event.get("type") != "platform.report":
        return None
    record = event.get("record", {})
    metrics = record.get("metrics", {})
    return {
        "request_id": str(record.get("requestId", "")),
        "duration_ms": float(metrics.get("durationMs", 0.0)),
        "billed_ms": float(metrics.get("billedDurationMs", 0.0)),
        "memory_mb": int(metrics.get("memorySizeMB", 0)),
        "max_memory_mb": metrics.get("maxMemoryUsedMB"),
        "init_ms": metrics.get("initDurationMs"),
    }


def cold_start_flag(message: str) -> tuple[str, bool] | None:
    """(request id, cold_start) from a Powertools Logger line that carries the Lambda context."""
    line = _json(message.strip())
    if line is None or "cold_start" not in line:
        return None
    return str(line.get("function_request_id", "")), bool(line["cold_start"])


def invocations(events: Iterable[Mapping[str, Any]]) -> list[InvocationRecord]:
    """Each REPORT of these log events as a record, in time order, with its Powertools cold_start."""
    flags: dict[str, bool] = {}
    found: list[InvocationRecord] = []
    for event in events:
        message = str(event.get("message", ""))
        flag = cold_start_flag(message)
        if flag is not None:
            flags[flag[0]] = flag[1]
            continue
        report = parse_report(message)
        if report is not None:
            found.append(
                InvocationRecord(
                    environment=str(event.get("logStreamName", "")),
                    timestamp_ms=int(event.get("timestamp", 0)),
                    **report,
                )
            )
    found = [replace(record, cold_start=flags.get(record.request_id)) for record in found]
    return sorted(found, key=lambda record: (record.timestamp_ms, record.request_id))


def warm_after_cold(records: Sequence[InvocationRecord]) -> InvocationRecord | None:
    """The latest warm invocation in an environment whose cold start is also in the records: reuse seen."""
    cold_environments = {record.environment for record in records if record.cold}
    return next((r for r in reversed(records) if not r.cold and r.environment in cold_environments), None)


def latest_cold(records: Sequence[InvocationRecord]) -> InvocationRecord | None:
    """The most recent cold start: what the code deployed now costs at init."""
    return next((record for record in reversed(records) if record.cold), None)


def median_init_ms(records: Iterable[InvocationRecord]) -> float | None:
    """The median init duration of the cold starts, or None."""
    inits = [record.init_ms for record in records if record.init_ms is not None]
    return statistics.median(inits) if inits else None


def median_warm_ms(records: Iterable[InvocationRecord]) -> float | None:
    """The median duration of the warm invocations, or None."""
    durations = [record.duration_ms for record in records if not record.cold]
    return statistics.median(durations) if durations else None


def _json(text: str) -> dict[str, Any] | None:
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
