"""The Lambda runtime's side, in the function's own process: import the handler once, then serve invocations.

Run as a script (`python -S bootstrap.py`), never imported by the kit: sys.path holds only what the
runtime gives a function (its code, its layers, the runtime's own libraries), so a function that
imports what it did not package fails here as it fails on AWS. The process is one execution environment:
the first line on stdin sets it up (the init phase: the handler module is imported once), each further line
is one invocation. What the function prints goes to stdout (stderr is merged into it by the emulator); after
the init and after each invocation the runtime writes one line starting with MARK that carries the outcome as
JSON, so the emulator can tell which lines belong to which phase.

Mounts: a process cannot mount at /mnt/... here, so before the handler is imported the runtime maps each
mount's path (an EFS access point's LocalMountPath, the environment's /tmp) to its folder on this machine in
Python's file functions (open, os, and what pathlib, shutil, tempfile and glob build on). Code that reaches
files another way (a subprocess, a C library opening a path itself, such as sqlite3) sees this machine's
paths instead.
"""

from __future__ import annotations

import builtins
import errno
import functools
import importlib
import io
import json
import logging
import os
import posixpath
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
# starts the runtime's own line after each phase; nothing a function prints begins with it
MARK = "\x1e\x1eLABKIT-RUNTIME "
# the emulator's list of mounts ({"path", "host", "access"}), read and removed before the handler's import
MOUNTS_VARIABLE = "LABKIT_MOUNTS"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# os functions whose first argument is a path they only read, and those whose paths they change
_READING = (
    "stat",
    "lstat",
    "access",
    "listdir",
    "scandir",
    "readlink",
    "statvfs",
    "chdir",
    "getxattr",
    "listxattr",
)
_WRITING = (
    "mkdir",
    "rmdir",
    "remove",
    "unlink",
    "chmod",
    "chown",
    "lchown",
    "utime",
    "truncate",
    "mkfifo",
    "mknod",
    "setxattr",
    "removexattr",
)
_TWO_PATHS = ("rename", "replace", "link")
# what a function may write outside /tmp and its mounts, as on Lambda: devices (/dev/null) and the kernel's
_DEVICES = ("/dev/", "/proc/")


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


class _Mounts:
    """Each mount's path and folder on this machine, longest first, and what may be done there. The rest of
    the function's file system is read-only, as Lambda's is outside /tmp and its mounts."""

    def __init__(self, mounts: list[dict[str, str]]) -> None:
        # a mount is found by the path the function uses, or by its own folder (os.getcwd() after a chdir)
        table = [(m["path"], m["host"], m.get("access", "rw")) for m in mounts]
        table += [(m["host"], m["host"], m.get("access", "rw")) for m in mounts]
        self.table = sorted(
            ((prefix.rstrip("/") or "/", base, access) for prefix, base, access in table),
            key=lambda entry: -len(entry[0]),
        )
        self.active = bool(mounts)

    def host(self, path: Any, *, write: bool) -> Any:
        """The path on this machine for a path under a mount (else `path` as given). EACCES where the mount's
        user may not read (or write, when `write`), as the file system refuses its POSIX user; EROFS for a
        write anywhere else."""
        if isinstance(path, int) or path is None or not self.active:
            return path
        raw = os.fspath(path)
        text = os.fsdecode(raw)
        normal = posixpath.normpath(posixpath.join(os.getcwd(), text))
        for prefix, base, access in self.table:
            if normal == prefix or normal.startswith(prefix + "/"):
                if access == "none" or (write and access == "ro"):
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), text)
                if write and access == "rofs":
                    break
                mapped = base + normal[len(prefix) :]
                return os.fsencode(mapped) if isinstance(raw, bytes) else mapped
        if write and not normal.startswith(_DEVICES):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), text)
        return path


def _mapping(function: Callable[..., Any], positions: tuple[int, ...], write: Callable[..., bool]) -> Any:
    @functools.wraps(function)
    def mapped(*args: Any, **kwargs: Any) -> Any:
        writes = write(args, kwargs)
        changed = [_MOUNTS.host(a, write=writes) if i in positions else a for i, a in enumerate(args)]
        for name in ("path", "file", "src", "dst"):
            if name in kwargs:
                kwargs[name] = _MOUNTS.host(kwargs[name], write=writes)
        return function(*changed, **kwargs)

    return mapped


_MOUNTS = _Mounts([])


def _install_mounts(mounts: list[dict[str, str]]) -> None:
    """Map every mount's path to its folder in the file functions Python code reaches files through."""
    global _MOUNTS  # noqa: PLW0603 - one table per function process, set before the handler is imported
    _MOUNTS = _Mounts(mounts)

    def opened_for_writing(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        mode = kwargs.get("mode", args[1] if len(args) > 1 else "r")
        return any(letter in str(mode) for letter in "wax+")

    def flags_write(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        return bool(int(kwargs.get("flags", args[1] if len(args) > 1 else 0)) & _WRITE_FLAGS)

    opener = _mapping(io.open, (0,), opened_for_writing)
    builtins.open = io.open = opener
    os.open = _mapping(os.open, (0,), flags_write)
    for name in _READING:
        if hasattr(os, name):
            setattr(os, name, _mapping(getattr(os, name), (0,), lambda args, kwargs: False))
    for name in _WRITING:
        if hasattr(os, name):
            setattr(os, name, _mapping(getattr(os, name), (0,), lambda args, kwargs: True))
    for name in _TWO_PATHS:
        setattr(os, name, _mapping(getattr(os, name), (0, 1), lambda args, kwargs: True))
    os.symlink = _mapping(os.symlink, (1,), lambda args, kwargs: True)


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
    _install_mounts(json.loads(os.environ.pop(MOUNTS_VARIABLE, "[]")))
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
