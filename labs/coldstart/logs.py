"""What a function's log says of each invocation: REPORT's figures, its environment, Powertools' cold_start.

Reads Lambda's platform lines in either log format (Text: `REPORT RequestId: ...\\tInit Duration: 91.20 ms`;
JSON: `{"type": "platform.report", "record": {"metrics": {"initDurationMs": ...}}}`), Powertools Logger's
JSON lines (`"cold_start": true`, `"function_request_id"`) and what the function itself wrote between an
invocation's START and its REPORT: its own lines, and how it failed (the Python runtime's
`[ERROR] <type>: <message>` line, `Task timed out after N seconds`, REPORT's `Status: timeout`). Plain code
over log events, no AWS calls.
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
_STATUS = re.compile(r"\tStatus: (\w+)")
_ERROR_TYPE = re.compile(r"\tError Type: (\S+)")
_START = re.compile(r"^START RequestId: (\S+)")
# the Python runtime's line for an unhandled error (text format): `[ERROR] ValueError: boom\rTraceback ...`;
# a logged error (`[ERROR]\t<time>\t<request id>\t...`) has a tab after the level, not a space
_UNHANDLED = re.compile(r"^\[ERROR\] ([A-Za-z_][\w.]*): ?(.*)$")
_TIMED_OUT = re.compile(r"Task timed out after ([\d.]+) seconds")
# platform lines that belong to no invocation's own output
_PLATFORM = ("INIT_START", "INIT_REPORT", "END RequestId", "EXTENSION", "TELEMETRY", "LAMBDA_WARNING")


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
    # how it failed ("ValueError: boom", "timed out after 10 s"), None when it succeeded
    error: str | None = None
    # what the function itself wrote during this invocation, in order
    output: tuple[str, ...] = ()

    @property
    def cold(self) -> bool:
        return self.init_ms is not None

    @property
    def failed(self) -> bool:
        return self.error is not None


def parse_report(message: str) -> dict[str, Any] | None:
    """A REPORT line's figures (text or JSON format), or None for any other line."""
    text = message.strip()
    if text.startswith("REPORT RequestId:"):
        request = _REQUEST.match(text)
        fields = {name: float(value) for name, value in _FIELD.findall(text)}
        if request is None or "Duration" not in fields:
            return None
        status, error_type = _STATUS.search(text), _ERROR_TYPE.search(text)
        return {
            "request_id": request.group(1),
            "duration_ms": fields["Duration"],
            "billed_ms": fields.get("Billed Duration", 0.0),
            "memory_mb": int(fields.get("Memory Size", 0)),
            "max_memory_mb": int(fields["Max Memory Used"]) if "Max Memory Used" in fields else None,
            "init_ms": fields.get("Init Duration"),
            # the text REPORT names a timeout or a dead runtime; a handler's exception only its own line does
            "status": status.group(1) if status else "success",
            "error_type": error_type.group(1) if error_type else None,
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
        "status": str(record.get("status", "success")),
        "error_type": record.get("errorType"),
    }


def cold_start_flag(message: str) -> tuple[str, bool] | None:
    """(request id, cold_start) from a Powertools Logger line that carries the Lambda context."""
    line = _json(message.strip())
    if line is None or "cold_start" not in line:
        return None
    return str(line.get("function_request_id", "")), bool(line["cold_start"])


def start_request_id(message: str) -> str | None:
    """The request id of a START line (text or JSON format), else None."""
    text = message.strip()
    started = _START.match(text)
    if started:
        return started.group(1)
    event = _json(text)
    if event is not None and event.get("type") == "platform.start":
        return str(event.get("record", {}).get("requestId", "")) or None
    return None


def unhandled_error(message: str) -> str | None:
    """`ValueError: boom` from the runtime's line for an unhandled error, or the timeout, else None."""
    timed_out = _TIMED_OUT.search(message)
    if timed_out:
        return f"timed out after {float(timed_out.group(1)):g} s"
    first = re.split(r"[\r\n]", message.strip(), maxsplit=1)[0]
    error = _UNHANDLED.match(first)
    if error:
        return f"{error.group(1)}: {error.group(2)}".rstrip(": ")
    event = _json(first)
    # the runtime's JSON format: {"level": "ERROR", "errorType": ..., "errorMessage": ...}
    if event is not None and event.get("errorType") and event.get("level") == "ERROR":
        return f"{event['errorType']}: {event.get('errorMessage', '')}".rstrip(": ")
    return None


def _is_platform(message: str) -> bool:
    text = message.strip()
    if text.startswith(_PLATFORM):
        return True
    event = _json(text)
    return event is not None and str(event.get("type", "")).startswith("platform.")


def _failure(report: Mapping[str, Any], output: Sequence[str], init_error: str | None) -> str | None:
    """How the invocation failed, from its own lines first (the message), then from its REPORT."""
    found = next((e for line in output if (e := unhandled_error(line)) is not None), None)
    if found:
        return found
    status = str(report.get("status", "success"))
    if status == "success":
        return None
    if status == "timeout":
        return f"timed out after {float(report.get('duration_ms', 0.0)) / 1000:.0f} s"
    return init_error or str(report.get("error_type") or status)


def invocations(events: Iterable[Mapping[str, Any]]) -> list[InvocationRecord]:
    """Each REPORT of these log events as a record, in time order, with its Powertools cold_start, the
    function's own lines between its START and its REPORT, and how it failed."""
    flags: dict[str, bool] = {}
    found: list[InvocationRecord] = []
    # per log stream (one environment): the invocation running now, and what its init phase wrote
    running: dict[str, str] = {}
    output: dict[str, list[str]] = {}
    init_errors: dict[str, str] = {}
    for event in events:
        message = str(event.get("message", ""))
        stream = str(event.get("logStreamName", ""))
        started = start_request_id(message)
        if started:
            running[stream] = started
            output[started] = []
            continue
        report = parse_report(message)
        if report is not None:
            request_id = report["request_id"]
            lines = output.pop(request_id, [])
            error = _failure(report, lines, init_errors.get(stream))
            fields = {k: v for k, v in report.items() if k not in {"status", "error_type"}}
            found.append(
                InvocationRecord(
                    environment=stream,
                    timestamp_ms=int(event.get("timestamp", 0)),
                    error=error,
                    output=tuple(lines),
                    **fields,
                )
            )
            running.pop(stream, None)
            continue
        flag = cold_start_flag(message)
        if flag is not None:
            flags[flag[0]] = flag[1]
        if _is_platform(message):
            continue
        current = running.get(stream)
        if current is not None:
            output[current].append(message)
        elif (error := unhandled_error(message)) is not None:
            # written before any START: the init phase failed (an import error, an exception at module level)
            init_errors[stream] = error
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
