"""The lines Lambda's platform writes to a function's log stream, in the function's LoggingConfig.LogFormat.

Text (the default): `INIT_START Runtime Version: ...`, `START RequestId: <id> Version: <v>`, `END RequestId:
<id>`, `REPORT RequestId: <id>\\tDuration: ...\\tBilled Duration: ...\\tMemory Size: ...\\tMax Memory Used:
...\\tInit Duration: ...` (Init Duration only on the first invocation of an on-demand environment).
JSON: one object per line, `{"time", "type": "platform.<event>", "record"}`, the Telemetry API's platform
events (platform.initStart, platform.start, platform.runtimeDone, platform.report with
metrics.initDurationMs), as AWS's "Lambda Telemetry API Event schema reference"
(docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html) describes them.
Billed duration: since 2025-08-01 Lambda bills the INIT phase of on-demand zip functions too ("AWS Lambda
standardizes billing for INIT Phase", AWS Compute Blog), so a cold start's billed duration counts init plus
handler, rounded up to the next millisecond.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

TEXT = "Text"
JSON_FORMAT = "JSON"
# the emulator's stand-in for Lambda's runtime version: honest that it is not a real Lambda runtime build
RUNTIME_VERSION = "python:3.13.labkit-emulator"
ON_DEMAND = "on-demand"
PROVISIONED = "provisioned-concurrency"


def _time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _event(kind: str, moment: datetime, record: dict[str, Any]) -> str:
    return json.dumps({"time": _time(moment), "type": f"platform.{kind}", "record": record})


def billed_ms(duration_ms: float, init_ms: float | None) -> int:
    """Billed duration: handler plus (on a cold start) init, rounded up to the millisecond, at least 1."""
    return max(1, math.ceil(duration_ms + (init_ms or 0.0)))


def init_start(
    log_format: str,
    *,
    moment: datetime,
    initialization_type: str,
    region: str,
    function_name: str,
    version: str,
) -> str:
    """The first line of a new execution environment's log stream."""
    arn = f"arn:aws:lambda:{region}::runtime:labkit-emulator"
    if log_format == JSON_FORMAT:
        record = {
            "initializationType": initialization_type,
            "phase": "init",
            "runtimeVersion": RUNTIME_VERSION,
            "runtimeVersionArn": arn,
            "functionName": function_name,
            "functionVersion": version,
        }
        return _event("initStart", moment, record)
    return f"INIT_START Runtime Version: {RUNTIME_VERSION}\tRuntime Version ARN: {arn}"


def init_report(
    log_format: str, *, moment: datetime, initialization_type: str, init_ms: float, error_type: str
) -> str:
    """A failed init phase: how long it ran and why it failed (a successful one is reported in REPORT)."""
    if log_format == JSON_FORMAT:
        record = {
            "initializationType": initialization_type,
            "phase": "init",
            "status": "error",
            "errorType": error_type,
            "metrics": {"durationMs": round(init_ms, 2)},
        }
        return _event("initReport", moment, record)
    parts = [f"INIT_REPORT Init Duration: {init_ms:.2f} ms", "Phase: init", "Status: error"]
    return "\t".join([*parts, f"Error Type: {error_type}"])


def start(log_format: str, *, moment: datetime, request_id: str, version: str) -> str:
    """The START line of an invocation, in the function's log format."""
    if log_format == JSON_FORMAT:
        return _event("start", moment, {"requestId": request_id, "version": version})
    return f"START RequestId: {request_id} Version: {version}"


@dataclass(frozen=True, kw_only=True)
class Report:
    """What the platform reports at the end of one invocation."""

    request_id: str
    duration_ms: float
    memory_mb: int
    max_memory_mb: int | None
    # only on the first invocation of an on-demand environment
    init_ms: float | None = None
    # "success", "error" or "timeout", with the error type for an error
    status: str = "success"
    error_type: str | None = None
    # a timeout or a dead runtime (the text REPORT names those; an exception of the handler it does not)
    platform_failure: bool = False


def end(log_format: str, *, moment: datetime, report: Report) -> str:
    """The END line of an invocation, in the function's log format."""
    if log_format == JSON_FORMAT:
        record: dict[str, Any] = {
            "requestId": report.request_id,
            "status": report.status,
            "metrics": {"durationMs": round(report.duration_ms, 3)},
        }
        if report.error_type:
            record["errorType"] = report.error_type
        return _event("runtimeDone", moment, record)
    return f"END RequestId: {report.request_id}"


def report_line(log_format: str, *, moment: datetime, report: Report) -> str:
    """The REPORT line of an invocation (durations, billed time, memory), in the function's log format."""
    billed = billed_ms(report.duration_ms, report.init_ms)
    if log_format == JSON_FORMAT:
        metrics: dict[str, Any] = {
            "durationMs": round(report.duration_ms, 2),
            "billedDurationMs": billed,
            "memorySizeMB": report.memory_mb,
        }
        if report.max_memory_mb is not None:
            metrics["maxMemoryUsedMB"] = report.max_memory_mb
        if report.init_ms is not None:
            metrics["initDurationMs"] = round(report.init_ms, 2)
        record: dict[str, Any] = {"requestId": report.request_id, "metrics": metrics, "status": report.status}
        if report.error_type:
            record["errorType"] = report.error_type
        return _event("report", moment, record)
    parts = [
        f"REPORT RequestId: {report.request_id}",
        f"Duration: {report.duration_ms:.2f} ms",
        f"Billed Duration: {billed} ms",
        f"Memory Size: {report.memory_mb} MB",
    ]
    if report.max_memory_mb is not None:
        parts.append(f"Max Memory Used: {report.max_memory_mb} MB")
    if report.init_ms is not None:
        parts.append(f"Init Duration: {report.init_ms:.2f} ms")
    if report.platform_failure:
        parts.append(f"Status: {report.status}")
        if report.error_type:
            parts.append(f"Error Type: {report.error_type}")
    return "\t".join(parts)
