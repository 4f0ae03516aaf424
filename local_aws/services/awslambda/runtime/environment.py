"""One execution environment: a function's own Python process that stays warm between invocations.

The init phase (the runtime starts, the handler module is imported) runs once, when the environment is
created: on the first invocation (on demand), or ahead of any (provisioned concurrency). Each invocation
then reuses the process, as Lambda reuses an environment: module-level state survives, and only the first
invocation of an on-demand environment reports `Init Duration`. Init Duration is the wall time from starting
the process to the handler module imported, as Lambda measures the whole INIT phase (runtime and function
init). An environment that timed out or whose runtime died is closed: the next invocation starts afresh.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from local_aws.services.awslambda.runtime import platform_log
from local_aws.services.awslambda.runtime.invoke import (
    BOOTSTRAP,
    MOUNTS_VARIABLE,
    READ_ONLY_FILE_SYSTEM,
    FileMount,
    FunctionSpec,
    Invocation,
    RuntimeFiles,
    function_environment,
)
from local_aws.services.awslambda.runtime.platform_log import ON_DEMAND, Report

MARK = "\x1e\x1eLABKIT-RUNTIME "
# every execution environment has a /tmp of its own, gone with it (Lambda's ephemeral storage)
TMP_PATH = "/tmp"  # noqa: S108 - the path a function sees, mapped to the environment's own folder
# Lambda's limit on an on-demand INIT phase; a slower init is retried inside the invoke on AWS
INIT_LIMIT_S = 10.0


@dataclass(frozen=True)
class _Phase:
    """What one phase printed, and how it ended: the runtime's outcome, or a timeout, or a dead runtime."""

    lines: list[str]
    outcome: dict[str, Any] | None
    timed_out: bool
    elapsed_ms: float


@dataclass
class InitResult:
    """How a function environment's init phase went: whether it succeeded, its duration and output."""

    ok: bool
    init_ms: float
    # INIT_START and what the init printed, not yet in the log (on demand: written before the first START)
    lines: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None


def log_stream_name(environment_id: str, version: str, now: datetime) -> str:
    """`2026/12/06/[$LATEST]<id>`: one stream per execution environment, as Lambda names them."""
    return f"{now:%Y/%m/%d}/[{version}]{environment_id}"


class ExecutionEnvironment:
    """A warm process for one function configuration; `start()` once, then `invoke()` one event at a time."""

    def __init__(
        self,
        spec: FunctionSpec,
        *,
        files: RuntimeFiles,
        endpoint: str,
        initialization_type: str = ON_DEMAND,
        now: datetime | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex
        self.spec = spec
        self.initialization_type = initialization_type
        self.log_stream = log_stream_name(self.id, spec.version, now or datetime.now(UTC))
        self.last_used = time.monotonic()
        self.busy = False
        self.invocations = 0
        self.init: InitResult | None = None
        self._files = files
        self._endpoint = endpoint
        self._process: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.tmp_dir = files.root / "tmp" / self.id

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> InitResult:
        """The init phase: start the runtime, import the handler; its lines wait for the log."""
        spec = self.spec
        code_dir = self._files.unpacked("code", spec.code_zip)
        paths = [str(code_dir), *(str(layer / "python") for layer in spec.layer_dirs)]
        paths.append(str(self._files.runtime_dir))
        environment = function_environment(
            spec,
            endpoint=self._endpoint,
            log_stream=self.log_stream,
            code_dir=code_dir,
            initialization_type=self.initialization_type,
        )
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        # the function's code, layers and runtime are read-only where they are (they may be under /tmp)
        own_files = FileMount(
            path=str(self._files.root), host_dir=self._files.root, access=READ_ONLY_FILE_SYSTEM
        )
        mounts = [*spec.mounts, FileMount(path=TMP_PATH, host_dir=self.tmp_dir), own_files]
        environment[MOUNTS_VARIABLE] = json.dumps([mount.as_json() for mount in mounts])
        setup = {
            "handler": spec.handler,
            "paths": paths,
            "memory_mb": spec.memory_mb,
            "log_format": spec.log_format,
        }
        first = platform_log.init_start(
            spec.log_format,
            moment=datetime.now(UTC),
            initialization_type=self.initialization_type,
            region=spec.region,
            function_name=spec.name,
            version=spec.version,
        )
        began = time.monotonic()
        self._process = self._spawn(environment, code_dir)
        self._send(setup)
        phase = self._collect(max(INIT_LIMIT_S, spec.timeout_s), since=began)
        outcome = phase.outcome or {}
        ok = bool(outcome.get("ok")) and not phase.timed_out
        error = outcome.get("payload") if outcome else None
        if phase.timed_out:
            error = {"errorType": "Runtime.InitTimeout", "errorMessage": "the init phase timed out"}
        elif not outcome:
            error = {"errorType": "Runtime.ExitError", "errorMessage": "Runtime exited during init"}
        self.init = InitResult(ok=ok, init_ms=phase.elapsed_ms, lines=[first, *phase.lines], error=error)
        if not ok:
            self.init.lines.append(
                platform_log.init_report(
                    spec.log_format,
                    moment=datetime.now(UTC),
                    initialization_type=self.initialization_type,
                    init_ms=phase.elapsed_ms,
                    error_type=str((error or {}).get("errorType", "Runtime.Unknown")),
                )
            )
            self.close()
        return self.init

    def take_init_lines(self) -> list[str]:
        """The init phase's lines, once: for the log before the first START (or at provisioning)."""
        if self.init is None:
            return []
        lines, self.init.lines = self.init.lines, []
        return lines

    def invoke(self, event: Any, *, request_id: str) -> Invocation:
        """One invocation in this environment; never raises for what the function does."""
        if self.init is None:
            raise RuntimeError("start() the environment before invoking it")
        spec = self.spec
        first_invocation = self.invocations == 0
        self.invocations += 1
        init_ms = self.init.init_ms if first_invocation and self.initialization_type == ON_DEMAND else None
        lines = [*self.take_init_lines()]
        lines.append(
            platform_log.start(
                spec.log_format, moment=datetime.now(UTC), request_id=request_id, version=spec.version
            )
        )
        if not self.init.ok:
            return self._failed_init(request_id, lines, init_ms)
        request = {
            "request_id": request_id,
            "event": event,
            "function_name": spec.name,
            "function_arn": spec.arn,
            "function_version": spec.version,
            "memory_mb": spec.memory_mb,
            "timeout_s": spec.timeout_s,
            "log_group": spec.log_group,
            "log_stream": self.log_stream,
        }
        began = time.monotonic()
        # a runtime that died since its last invocation is reported as an exit below
        with contextlib.suppress(OSError):
            self._send(request)
        phase = self._collect(spec.timeout_s, since=began)
        self.last_used = time.monotonic()
        lines += phase.lines
        return self._outcome(request_id, lines, phase, init_ms)

    def close(self) -> None:
        """Shut the environment down (idle too long, configuration changed, or it failed)."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()
        try:
            process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout is not None:
            with contextlib.suppress(OSError):
                process.stdout.close()
        shutil.rmtree(self.tmp_dir, ignore_errors=True)

    # -- the process ------------------------------------------------------------------------------
    def _spawn(self, environment: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-S", "-X", "utf8", str(BOOTSTRAP)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=environment,
            start_new_session=True,
        )
        assert process.stdout is not None
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()
        return process

    def _read(self, stream: IO[bytes]) -> None:
        for raw in stream:
            self._lines.put(raw.decode("utf-8", errors="replace").rstrip("\n"))
        self._lines.put(None)

    def _send(self, message: dict[str, Any]) -> None:
        process = self._process
        if process is None or process.stdin is None:
            raise OSError("the environment is closed")
        process.stdin.write((json.dumps(message) + "\n").encode("utf-8"))
        process.stdin.flush()

    def _collect(self, limit_s: float, *, since: float) -> _Phase:
        """Lines until the runtime's mark (phase done), its exit, or the time limit (then it is killed)."""
        lines: list[str] = []
        deadline = since + limit_s
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                elapsed = (time.monotonic() - since) * 1000
                self.close()
                return _Phase(lines, None, True, elapsed)
            if line is None:
                elapsed = (time.monotonic() - since) * 1000
                self.close()
                return _Phase(lines, None, False, elapsed)
            before, marked, outcome = line.partition(MARK)
            if not marked:
                lines.append(line)
                continue
            if before:
                lines.append(before)
            return _Phase(lines, json.loads(outcome), False, (time.monotonic() - since) * 1000)

    # -- outcomes ---------------------------------------------------------------------------------
    def _failed_init(self, request_id: str, lines: list[str], init_ms: float | None) -> Invocation:
        assert self.init is not None
        error = self.init.error or {"errorType": "Runtime.Unknown", "errorMessage": "init failed"}
        report = Report(
            request_id=request_id,
            duration_ms=0.0,
            memory_mb=self.spec.memory_mb,
            max_memory_mb=None,
            init_ms=init_ms,
            status="error",
            error_type=str(error.get("errorType")),
            platform_failure=True,
        )
        return self._finish(request_id, lines, report, {**error, "requestId": request_id}, "Unhandled")

    def _outcome(self, request_id: str, lines: list[str], phase: _Phase, init_ms: float | None) -> Invocation:
        spec = self.spec
        outcome = phase.outcome
        memory = int(outcome["max_memory_mb"]) if outcome else None
        status, error_type, failure = "success", None, False
        error: str | None = None
        if phase.timed_out:
            stamp = f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%S.%f}"[:-3]
            message = f"{stamp}Z {request_id} Task timed out after {spec.timeout_s:.2f} seconds"
            lines.append(message)
            payload: Any = {"errorMessage": message, "errorType": "Sandbox.Timedout"}
            status, error, failure = "timeout", "Unhandled", True
        elif outcome is None:
            text = f"RequestId: {request_id} Error: Runtime exited without providing a reason"
            lines.append(text)
            payload = {"errorMessage": text, "errorType": "Runtime.ExitError"}
            status, error_type, error, failure = "error", "Runtime.ExitError", "Unhandled", True
        elif outcome["ok"]:
            payload = outcome["payload"]
        else:
            payload = {**outcome["payload"], "requestId": request_id}
            status, error_type, error = "error", str(outcome["payload"].get("errorType")), "Unhandled"
        report = Report(
            request_id=request_id,
            duration_ms=phase.elapsed_ms,
            memory_mb=spec.memory_mb,
            max_memory_mb=memory,
            init_ms=init_ms,
            status=status,
            error_type=error_type,
            platform_failure=failure,
        )
        return self._finish(request_id, lines, report, payload, error, timed_out=phase.timed_out)

    def _finish(
        self,
        request_id: str,
        lines: list[str],
        report: Report,
        payload: Any,
        error: str | None,
        *,
        timed_out: bool = False,
    ) -> Invocation:
        fmt = self.spec.log_format
        now = datetime.now(UTC)
        output = list(lines)
        output.append(platform_log.end(fmt, moment=now, report=report))
        output.append(platform_log.report_line(fmt, moment=now, report=report))
        return Invocation(
            request_id=request_id,
            payload=json.dumps(payload).encode("utf-8"),
            function_error=error,
            log_stream=self.log_stream,
            log_lines=output,
            duration_ms=report.duration_ms,
            timed_out=timed_out,
            init_ms=report.init_ms,
            environment_id=self.id,
        )
