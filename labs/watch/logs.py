"""A function's new log lines, made readable, and a failed handler's error with the file and line to fix.

Lambda writes what the code printed between its START and REPORT lines; Powertools Logger writes one JSON
object per line (level, location, message, and keys such as cold_start); the Python runtime logs a failure
as `[ERROR] <type>: <message>` then a traceback (awslambdaric's bootstrap: `File "<path>", line <n>`, or
`File "<path>" Line <n>` for a syntax error), with the code under /var/task on AWS and elsewhere here.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from labs.deployed.session import error_code

_FRAME = re.compile(r'File "(?P<file>[^"]+)",? [Ll]ine (?P<line>\d+)')
_MISSING_MODULE = re.compile(r"No module named '(?P<module>[\w.]+)'")
_REPORT = re.compile(r"Duration: ([\d.]+) ms.*?Max Memory Used: (\d+) MB(?:.*?Init Duration: ([\d.]+) ms)?")
# Powertools' keys that every line carries: shown as the line's head, not repeated as extra keys
_POWERTOOLS_KEYS = ("level", "location", "message", "timestamp", "service", "sampling_rate")
_NOISE_KEYS = (
    "xray_trace_id",
    "function_arn",
    "function_request_id",
    "function_memory_size",
    "function_name",
)
TRACEBACK_LINES = 6
MAX_PAGES = 20


@dataclass(frozen=True)
class FunctionLogLine:
    """One line of a function's log group."""

    group: str
    stream: str
    timestamp: int
    message: str


def new_lines(logs: Any, group: str, *, since_ms: int) -> list[FunctionLogLine]:
    """The group's lines from `since_ms` on, oldest first ([] while the group has none)."""
    arguments: dict[str, Any] = {"logGroupName": group, "startTime": since_ms}
    found: list[FunctionLogLine] = []
    for _ in range(MAX_PAGES):
        try:
            page = logs.filter_log_events(**arguments)
        except ClientError as failure:
            if error_code(failure) == "ResourceNotFoundException":
                return []
            raise
        for event in page.get("events", []):
            for text in str(event.get("message", "")).replace("\r", "\n").splitlines():
                found.append(
                    FunctionLogLine(
                        group, event.get("logStreamName", ""), int(event.get("timestamp", 0)), text
                    )
                )
        token = page.get("nextToken")
        if not token:
            break
        arguments["nextToken"] = token
    return sorted(found, key=lambda line: line.timestamp)


def ends_a_run(line: FunctionLogLine) -> bool:
    """True for Lambda's REPORT line (text or JSON log format): an invocation ended."""
    text = line.message.lstrip()
    return text.startswith("REPORT RequestId:") or '"platform.report"' in text


def readable(message: str) -> str:
    """One log line for a learner: Powertools' JSON as `INFO handler:12 <message> (key=value)`, Lambda's
    START/END lines dropped to nothing, REPORT as its figures; anything else as it is."""
    text = message.rstrip()
    stripped = text.lstrip()
    if stripped.startswith(("START RequestId:", "END RequestId:", "INIT_START ")):
        return ""
    if stripped.startswith("REPORT RequestId:"):
        figures = _REPORT.search(stripped)
        if figures is None:
            return stripped
        duration, memory, init = figures.groups()
        return f"REPORT {duration} ms, {memory} MB" + (f", cold start: init {init} ms" if init else "")
    if stripped.startswith("[") and "]\t" in stripped:  # the runtime's own logger: [LEVEL]\ttime\tid\tmessage
        level, _, rest = stripped.partition("\t")
        return f"{level.strip('[]')} {rest.split(chr(9), 2)[-1]}"
    entry = _json(stripped)
    if entry is None or "level" not in entry:
        return text
    head = f"{entry.get('level')} {entry.get('location', '')}".rstrip()
    body = entry.get("message", "")
    shown = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"), default=str)
    extras = {k: v for k, v in entry.items() if k not in _POWERTOOLS_KEYS and k not in _NOISE_KEYS}
    tail = " (" + ", ".join(f"{k}={_value(v)}" for k, v in extras.items()) + ")" if extras else ""
    return f"{head}  {shown}{tail}"


def _value(value: Any) -> str:
    return json.dumps(value, default=str) if not isinstance(value, str) else value


def _json(text: str) -> dict[str, Any] | None:
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class HandlerError:
    """What the runtime logged of a failed init or invocation, pointed at the learner's file and line."""

    kind: str
    message: str
    # the package's own file and line the error is in (None when it names none)
    path: Path | None
    line: int | None
    # the traceback's last lines, as logged
    last_lines: tuple[str, ...]

    @property
    def where(self) -> str:
        """`my-labs/<Lab>/handler.py line 7`, or "" when the error names no file of the package."""
        return f"{self.path} line {self.line}" if self.path and self.line else ""


def handler_error(
    lines: Sequence[FunctionLogLine], files: Iterable[str], folder: Path
) -> HandlerError | None:
    """The first error the runtime logged among these lines; `files` are the package's (relative paths,
    under `folder` on this machine), so a frame of /var/task/handler.py points at <folder>/handler.py."""
    messages = [line.message.rstrip() for line in lines]
    start = next((i for i, text in enumerate(messages) if _error_head(text) is not None), None)
    if start is None:
        return None
    head = _error_head(messages[start])
    assert head is not None
    kind, message = head
    trace: list[str] = []
    for text in messages[start + 1 :]:
        if (
            _error_head(text) is not None
            or ends_a_run(FunctionLogLine("", "", 0, text))
            or text.startswith("END ")
        ):
            break
        trace.append(text.replace("\u00a0", " "))
    known = sorted(files, key=len, reverse=True)
    frames = [_in_package(match, known, folder) for text in trace if (match := _FRAME.search(text))]
    mine = [frame for frame in frames if frame is not None]
    path, line = mine[-1] if mine else _importing_line(message, known, folder)
    shown = [_mapped(text, known, folder) for text in trace]
    shown = [text for text in shown if text.strip() and text.strip() != "Traceback (most recent call last):"]
    return HandlerError(kind, message, path, line, tuple(shown[-TRACEBACK_LINES:]))


def _mapped(text: str, known: Sequence[str], folder: Path) -> str:
    """A traceback line with the function's copy of a package file named as the learner's file."""
    match = _FRAME.search(text)
    found = _in_package(match, known, folder) if match else None
    if match is None or found is None:
        return text
    return text.replace(match.group("file"), str(found[0]))


def _error_head(text: str) -> tuple[str, str] | None:
    """(type, message) of `[ERROR] <type>: <message>` or a JSON line with errorType, else None."""
    stripped = text.strip()
    if stripped.startswith("[ERROR] "):
        kind, _, message = stripped.removeprefix("[ERROR] ").partition(": ")
        return (kind, message) if "\t" not in kind else None
    entry = _json(stripped)
    if entry is not None and entry.get("errorType"):
        return str(entry["errorType"]), str(entry.get("errorMessage", ""))
    return None


def _in_package(match: re.Match[str], known: Sequence[str], folder: Path) -> tuple[Path, int] | None:
    """The package file a traceback frame is in (its path ends with the file's relative path)."""
    frame = match.group("file").replace("\\", "/")
    for relative in known:
        if frame == relative or frame.endswith(f"/{relative}"):
            return folder / relative, int(match.group("line"))
    return None


def _names_module(name: str, module: str) -> bool:
    """True when an import of `name` is (or is inside, or contains) the missing `module`."""
    return name == module or module.startswith(f"{name}.") or name.startswith(f"{module}.")


def _importing_line(message: str, known: Sequence[str], folder: Path) -> tuple[Path | None, int | None]:
    """For "No module named 'x'" (the runtime names no line): the package's line that imports x."""
    missing = _MISSING_MODULE.search(message)
    if missing is None:
        return None, None
    module = missing.group("module")
    for relative in sorted(known):
        if not relative.endswith(".py"):
            continue
        try:
            tree = ast.parse((folder / relative).read_bytes())
        except (SyntaxError, ValueError, OSError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(_names_module(name, module) for name in names):
                return folder / relative, node.lineno
    return None, None
