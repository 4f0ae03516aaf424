"""The Lambda runtime's side, in the function's own process: import the handler, call it once, report.

Run as a script (`python -S bootstrap.py`), never imported by the kit: sys.path holds only what the
runtime gives a function (its code, its layers, the runtime's own libraries), so a function that
imports what it did not package fails here as it fails on AWS. The request comes on stdin as JSON; the
result goes to file descriptor 3 as JSON; whatever the function prints goes to stdout and stderr, which
the emulator writes to the function's log group.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import time
import traceback
from typing import Any

MIB = 1024 * 1024


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
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class _RequestIdFilter(logging.Filter):
    def __init__(self, request_id: str) -> None:
        super().__init__()
        self.request_id = request_id

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


def _runtime_logging(request_id: str) -> None:
    """The Python runtime's root handler: `[LEVEL]\\t<time>Z\\t<request id>\\t<message>` on stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
        )
    )
    logging.Formatter.converter = time.gmtime
    handler.addFilter(_RequestIdFilter(request_id))
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())


def _error(kind: str, message: str, stack: list[str]) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": kind, "stackTrace": stack}


def _load_handler(name: str) -> Any:
    module_name, _, function_name = name.rpartition(".")
    if not module_name:
        raise ValueError(f"Bad handler '{name}': not enough values to unpack (expected 2, got 1)")
    module = importlib.import_module(module_name.replace("/", "."))
    return getattr(module, function_name)


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


def main() -> int:
    request = json.load(sys.stdin)
    result_file = request["result_file"]

    def answer(ok: bool, init_s: float, payload: Any) -> None:
        result = {"ok": ok, "init_s": init_s, "max_memory_mb": _max_memory_mb(), "payload": payload}
        with open(result_file, "w", encoding="utf-8") as channel:
            json.dump(result, channel)

    sys.path[:0] = request["paths"]
    os.chdir(request["paths"][0])
    _runtime_logging(request["request_id"])
    _cap_memory(int(request["memory_mb"]))
    started = time.monotonic()
    try:
        handler = _load_handler(request["handler"])
    except Exception as error:  # the runtime reports an import failure as Runtime.ImportModuleError
        kind = "Runtime.ImportModuleError" if isinstance(error, ImportError) else "Runtime.HandlerNotFound"
        message = f"Unable to import module '{request['handler'].rpartition('.')[0]}': {error}"
        print(f"[ERROR] {kind}: {message}", file=sys.stderr, flush=True)
        answer(False, time.monotonic() - started, _error(kind, message, []))
        return 0
    init_s = time.monotonic() - started
    context = LambdaContext(request)
    try:
        payload = handler(request["event"], context)
    except Exception as error:
        stack = traceback.format_list(traceback.extract_tb(error.__traceback__)[1:])
        kind = type(error).__name__
        print(f"[ERROR] {kind}: {error}\nTraceback (most recent call last):\n{''.join(stack)}", flush=True)
        answer(False, init_s, _error(kind, str(error), stack))
        return 0
    try:
        text = json.dumps(payload)
    except (TypeError, ValueError) as error:
        message = f"Unable to marshal response: {error}"
        print(f"[ERROR] Runtime.MarshalError: {message}", flush=True)
        answer(False, init_s, _error("Runtime.MarshalError", message, []))
        return 0
    sys.stdout.flush()
    sys.stderr.flush()
    answer(True, init_s, json.loads(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
