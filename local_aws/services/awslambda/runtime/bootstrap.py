"""The Lambda runtime's side, in the function's own process: import the handler once, then serve invocations.

Run as a script (`python -S bootstrap.py`), never imported by the kit: sys.path holds only what the
runtime gives a function (its code, its layers, the runtime's own libraries), so a function that
imports what it did not package fails here as it fails on AWS. The process is one execution environment:
the first line on stdin sets it up (the init phase: the handler module is imported once), each further line
is one invocation. What the function prints goes to stdout (stderr is merged into it by the emulator); after
the init and after each invocation the runtime writes one line starting with MARK that carries the outcome as
JSON, so the emulator can tell which lines belong to which phase.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
# starts the runtime's own line after each phase; nothing a function prints begins with it
MARK = "\x1e\x1eLABKIT-RUNTIME "


class LambdaContext:
    """The `context` argument of a Python handler, with the attributes and method the runtime gives it."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.aws_request_id: str = request["request_id"]
        self.function_name: str = request["function_name"]
        self.function_version: str = request.get("function_version", "$LATEST")
        self.invoked_function_arn: str = request["function_arn"]
        self.memory_limit_in_mb: int = int(request["memory_mb"])
        self.log_group_name: str = request["log_group"]
        self.log_stream_name: str = request["log_stream"]
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + float(request["timeout_s"])

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the invocation times out, as Lambda's context reports them."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class _RequestIdFilter(logging.Filter):
    """Stamps each record with the current invocation's request id (none during the init phase)."""

    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


class _JsonFormatter(logging.Formatter):
    """The Python runtime's JSON log lines (LoggingConfig.LogFormat JSON): timestamp, level, message."""

    def format(self, record: logging.LogRecord) -> str:
        moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        line = {
            "timestamp": f"{moment}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": getattr(record, "aws_request_id", ""),
        }
        return json.dumps(line)


def _runtime_logging(log_format: str) -> _RequestIdFilter:
    """The Python runtime's root handler: `[LEVEL]\\t<time>Z\\t<request id>\\t<message>`, or JSON."""
    handler = logging.StreamHandler(sys.stdout)
    if log_format == "JSON":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
                "%Y-%m-%dT%H:%M:%S",
            )
        )
        logging.Formatter.converter = time.gmtime
    stamp = _RequestIdFilter()
    handler.addFilter(stamp)
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())
    return stamp


def _error(kind: str, message: str, stack: list[str]) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": kind, "stackTrace": stack}


class _FaultError(Exception):
    """An init failure the Python runtime names itself (awslambdaric's FaultException)."""

    def __init__(self, kind: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.trace = kind, message, trace or []


def _load_handler(name: str) -> Any:
    """The handler, or a _FaultError as awslambdaric's _get_handler raises it (a module that raises anything
    else at import fails the init with that exception and its traceback)."""
    module_name, _, function_name = name.rpartition(".")
    if not module_name:
        raise _FaultError(
            "Runtime.MalformedHandlerName",
            f"Bad handler '{name}': not enough values to unpack (expected 2, got 1)",
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise _FaultError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}"
        ) from None
    except SyntaxError as error:
        trace = [f'  File "{error.filename}" Line {error.lineno}\n    {(error.text or "").strip()}']
        raise _FaultError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}", trace
        ) from None
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise _FaultError(
            "Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'"
        ) from None


def _log_error(error: dict[str, Any]) -> None:
    """`[ERROR] <type>: <message>`, then the traceback, as the runtime logs a failed init or invocation."""
    stack = "".join(line if line.endswith("\n") else line + "\n" for line in error["stackTrace"])
    print(f"[ERROR] {error['errorType']}: {error['errorMessage']}", flush=True)
    print(f"Traceback (most recent call last):\n{stack}", end="", flush=True)


def _cap_memory(memory_mb: int) -> None:
    """The function's memory as a cap on this process's address space, where the platform allows it."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MIB, memory_mb * MIB))
    except (ImportError, ValueError, OSError):  # no such limit here (macOS, Windows): run uncapped
        pass


def _max_memory_mb() -> int:
    """This process's peak resident memory (Linux keeps a forking parent's peak in ru_maxrss: read VmHWM)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(line for line in status if line.startswith("VmHWM:"))
        return int(peak.split()[1]) // 1024
    except (OSError, StopIteration):
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # kilobytes on Linux, bytes on macOS
        return int(used / (MIB if sys.platform == "darwin" else 1024))


def _report(outcome: dict[str, Any]) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    sys.stdout.write(MARK + json.dumps({**outcome, "max_memory_mb": _max_memory_mb()}) + "\n")
    sys.stdout.flush()


def _init(setup: dict[str, Any]) -> tuple[Any, _RequestIdFilter] | None:
    """The init phase: paths, logging, memory cap, then the handler module's import, timed."""
    sys.path[:0] = setup["paths"]
    os.chdir(setup["paths"][0])
    stamp = _runtime_logging(setup.get("log_format", "Text"))
    _cap_memory(int(setup["memory_mb"]))
    started = time.monotonic()
    try:
        handler = _load_handler(setup["handler"])
    except _FaultError as fault:
        error = _error(fault.kind, fault.message, fault.trace)
    except Exception as raised:  # the module raised at import: its own exception, from its own frames on
        frames = [f for f in traceback.extract_tb(raised.__traceback__) if Path(f.filename) != Path(__file__)]
        error = _error(type(raised).__name__, str(raised), traceback.format_list(frames))
    else:
        _report({"ok": True, "init_s": time.monotonic() - started})
        return handler, stamp
    _log_error(error)
    _report({"ok": False, "init_s": time.monotonic() - started, "payload": error})
    return None


def _invoke(handler: Any, request: dict[str, Any]) -> dict[str, Any]:
    context = LambdaContext(request)
    try:
        payload = handler(request["event"], context)
    except Exception as raised:
        stack = traceback.format_list(traceback.extract_tb(raised.__traceback__)[1:])
        error = _error(type(raised).__name__, str(raised), stack)
        _log_error(error)
        return {"ok": False, "payload": error}
    try:
        text = json.dumps(payload)
    except (TypeError, ValueError) as error:
        message = f"Unable to marshal response: {error}"
        print(f"[ERROR] Runtime.MarshalError: {message}", flush=True)
        return {"ok": False, "payload": _error("Runtime.MarshalError", message, [])}
    return {"ok": True, "payload": json.loads(text)}


def main() -> int:
    """Run the function's init, then one invocation per line on stdin; the process's exit code."""
    loaded = _init(json.loads(sys.stdin.readline()))
    if loaded is None:
        return 0
    handler, stamp = loaded
    # one line per invocation until the emulator closes stdin (the environment is shut down)
    for line in sys.stdin:
        request = json.loads(line)
        stamp.request_id = request["request_id"]
        _report(_invoke(handler, request))
        stamp.request_id = ""
    return 0


if __name__ == "__main__":
    sys.exit(main())
