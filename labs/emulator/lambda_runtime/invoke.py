"""Run one invocation of a Python function in a process of its own, as the Lambda service would.

What the Lambda Python runtime gives a function is rebuilt under one temporary folder per emulator:
`runtime/` links the libraries the runtime ships (boto3 and what it needs), `code/<sha>/` holds each
deployed zip unpacked once, `layers/<sha>/` each layer. The function's process sees only those on its
path, its own environment variables, the credentials of its role and the emulator as its endpoint.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BOOTSTRAP = Path(__file__).resolve().with_name("bootstrap.py")
# what the Lambda Python runtime ships besides the standard library
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six")
PYTHON_RUNTIME = "python3.13"
# Lambda bills in 1 ms steps
BILLING_STEP_MS = 1


class RuntimeFilesError(RuntimeError):
    """A deployed zip or layer the emulator cannot unpack; the message names it."""


@dataclass(frozen=True, kw_only=True)
class FunctionSpec:
    """What an invocation needs to know about the function, read from the emulator's Lambda model."""

    name: str
    arn: str
    handler: str
    runtime: str
    timeout_s: float
    memory_mb: int
    environment: Mapping[str, str]
    code_zip: bytes
    log_group: str
    region: str
    # credentials of the function's role, issued by the emulator's STS
    credentials: Mapping[str, str]
    # unpacked layer folders, in the function's layer order (each holds python/ as on AWS)
    layer_dirs: Sequence[Path] = ()


@dataclass(frozen=True, kw_only=True)
class Invocation:
    """One finished invocation as the caller and CloudWatch Logs see it."""

    request_id: str
    payload: bytes
    # None on success; "Unhandled" for an exception, a timeout or a runtime error, as Lambda says
    function_error: str | None
    log_stream: str
    log_lines: list[str]
    duration_ms: float
    timed_out: bool = False
    output: list[str] = field(default_factory=list)


class RuntimeFiles:
    """The emulator's unpacked code, layers and runtime libraries, under one folder removed on close."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or tempfile.mkdtemp(prefix="labkit-lambda-"))
        self._lock = threading.Lock()
        self.runtime_dir = self._link_runtime_packages()

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _link_runtime_packages(self) -> Path:
        target = self.root / "runtime"
        target.mkdir(parents=True, exist_ok=True)
        for name in RUNTIME_PACKAGES:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                continue
            origin = Path(spec.origin)
            source = origin.parent if origin.name == "__init__.py" else origin
            link = target / source.name
            if not link.exists():
                link.symlink_to(source, target_is_directory=source.is_dir())
        return target

    def unpacked(self, kind: str, archive: bytes) -> Path:
        """The folder holding `archive` unpacked (once per content), e.g. kind `code` or `layers`."""
        digest = hashlib.sha256(archive).hexdigest()[:16]
        folder = self.root / kind / digest
        with self._lock:
            if not folder.is_dir():
                staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f"{kind}-"))
                try:
                    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
                        bundle.extractall(staging)
                except zipfile.BadZipFile as error:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise RuntimeFilesError(f"the deployed {kind} is not a zip archive: {error}") from None
                folder.parent.mkdir(parents=True, exist_ok=True)
                staging.rename(folder)
        return folder

    def linked_layer(self, name: str, packages: Sequence[str]) -> Path:
        """A layer made of installed packages (a managed layer such as Powertools): `<layer>/python/<pkg>`."""
        folder = self.root / "layers" / name / "python"
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True)
            for package in packages:
                spec = importlib.util.find_spec(package)
                if spec is None or spec.origin is None:
                    raise RuntimeFilesError(f"layer {name} needs {package}, which the kit's venv lacks")
                origin = Path(spec.origin)
                source = origin.parent if origin.name == "__init__.py" else origin
                link = folder / source.name
                if not link.exists():
                    link.symlink_to(source, target_is_directory=source.is_dir())
        return folder.parent


def log_stream_name(request_id: str, now: datetime) -> str:
    return f"{now:%Y/%m/%d}/[$LATEST]{request_id.replace('-', '')}"


def function_environment(
    spec: FunctionSpec, *, endpoint: str, log_stream: str, code_dir: Path
) -> dict[str, str]:
    """The process environment Lambda gives a function: reserved variables, then the function's own."""
    reserved = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": str(code_dir),
        "_HANDLER": spec.handler,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_ACCESS_KEY_ID": spec.credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": spec.credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": spec.credentials.get("SessionToken", ""),
        # the emulator stands in for every AWS endpoint; no file of this machine adds a real credential
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        # glibc reserves 64 MiB of address space per thread arena: keep the memory cap about real use
        "MALLOC_ARENA_MAX": "2",
    }
    return {**reserved, **{k: v for k, v in spec.environment.items() if k not in reserved}}


def invoke(
    spec: FunctionSpec,
    event: Any,
    *,
    files: RuntimeFiles,
    endpoint: str,
    request_id: str,
    now: datetime | None = None,
) -> Invocation:
    """Run the handler once with `event`; never raises for what the function does (errors are outcomes)."""
    started_at = now or datetime.now(UTC)
    stream = log_stream_name(request_id, started_at)
    code_dir = files.unpacked("code", spec.code_zip)
    paths = [str(code_dir), *(str(layer / "python") for layer in spec.layer_dirs), str(files.runtime_dir)]
    with tempfile.TemporaryDirectory(dir=files.root, prefix="invoke-") as scratch:
        result_file = Path(scratch) / "result.json"
        request = {
            "handler": spec.handler,
            "event": event,
            "paths": paths,
            "result_file": str(result_file),
            "request_id": request_id,
            "function_name": spec.name,
            "function_arn": spec.arn,
            "memory_mb": spec.memory_mb,
            "timeout_s": spec.timeout_s,
            "log_group": spec.log_group,
            "log_stream": stream,
        }
        environment = function_environment(spec, endpoint=endpoint, log_stream=stream, code_dir=code_dir)
        started = time.monotonic()
        output, timed_out = _run(request, environment, cwd=code_dir, timeout_s=spec.timeout_s)
        duration_ms = (time.monotonic() - started) * 1000
        result = json.loads(result_file.read_text(encoding="utf-8")) if result_file.is_file() else None
    return _outcome(
        spec,
        request_id=request_id,
        stream=stream,
        output=output,
        result=result,
        timed_out=timed_out,
        duration_ms=duration_ms,
        started_at=started_at,
    )


def _run(
    request: dict[str, Any], environment: dict[str, str], *, cwd: Path, timeout_s: float
) -> tuple[list[str], bool]:
    """The function's printed lines, and whether it ran out of time (then its process group is killed)."""
    process = subprocess.Popen(
        [sys.executable, "-S", "-X", "utf8", str(BOOTSTRAP)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        env=environment,
        start_new_session=True,
    )
    timed_out = False
    try:
        raw, _ = process.communicate(json.dumps(request).encode("utf-8"), timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(process)
        raw, _ = process.communicate()
    except BaseException:  # the emulator is stopping: no function outlives it
        _kill_group(process)
        process.wait()
        raise
    return raw.decode("utf-8", errors="replace").splitlines(), timed_out


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _outcome(
    spec: FunctionSpec,
    *,
    request_id: str,
    stream: str,
    output: list[str],
    result: dict[str, Any] | None,
    timed_out: bool,
    duration_ms: float,
    started_at: datetime,
) -> Invocation:
    lines = [f"START RequestId: {request_id} Version: $LATEST", *output]
    status = ""
    if timed_out:
        message = (
            f"{started_at:%Y-%m-%dT%H:%M:%S.%f}"[:-3]
            + f"Z {request_id} Task timed out after {spec.timeout_s:.2f} seconds"
        )
        lines.append(message)
        payload: Any = {"errorMessage": message, "errorType": "Sandbox.Timedout"}
        error: str | None = "Unhandled"
        status = "\tStatus: timeout"
    elif result is None:
        # the process died before answering (killed for memory, or os._exit)
        payload = {
            "errorMessage": f"RequestId: {request_id} Error: Runtime exited without providing a reason",
            "errorType": "Runtime.ExitError",
        }
        lines.append(f"RequestId: {request_id} Error: Runtime exited without providing a reason")
        error = "Unhandled"
        status = "\tStatus: error\tError Type: Runtime.ExitError"
    elif result["ok"]:
        payload, error = result["payload"], None
    else:
        payload = {**result["payload"], "requestId": request_id}
        error = "Unhandled"
    billed = max(BILLING_STEP_MS, int(-(-duration_ms // BILLING_STEP_MS)) * BILLING_STEP_MS)
    memory = f"\tMax Memory Used: {result['max_memory_mb']} MB" if result else ""
    init = f"\tInit Duration: {result['init_s'] * 1000:.2f} ms" if result else ""
    lines += [
        f"END RequestId: {request_id}",
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\tBilled Duration: {billed} ms\t"
        f"Memory Size: {spec.memory_mb} MB{memory}{init}{status}",
    ]
    return Invocation(
        request_id=request_id,
        payload=json.dumps(payload).encode("utf-8"),
        function_error=error,
        log_stream=stream,
        log_lines=lines,
        duration_ms=duration_ms,
        timed_out=timed_out,
        output=output,
    )
