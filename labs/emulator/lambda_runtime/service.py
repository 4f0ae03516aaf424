"""The Lambda service of the emulator: a moto function model in, one real invocation out, logs written.

`start(endpoint)` is called once by the emulator's server when it knows its own address; the parity fixes
(labs/emulator/parity/awslambda.py) then route every way moto invokes a function through `run()`.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labs.emulator.lambda_runtime.invoke import FunctionSpec, Invocation, RuntimeFiles, invoke

# AWS-managed public layers the kit uses, made of packages the kit's venv has (Powertools for Lambda)
MANAGED_LAYERS = {
    re.compile(r"^arn:aws[a-z-]*:lambda:[^:]+:017000801446:layer:AWSLambdaPowertoolsPythonV3-[^:]+:\d+$"): (
        "powertools",
        ("aws_lambda_powertools", "typing_extensions"),
    ),
}
# the last part of the log a synchronous caller gets back (x-amz-log-result), as Lambda's `--log-type Tail`
LOG_TAIL_BYTES = 4096


class LambdaServiceError(RuntimeError):
    """The emulator cannot run this function (not Python, no code); the message says why."""


@dataclass
class _Service:
    endpoint: str
    files: RuntimeFiles


_service: _Service | None = None
_lock = threading.Lock()


def start(endpoint: str) -> None:
    """Make the service ready in this process (the emulator's server, once it is listening)."""
    global _service  # noqa: PLW0603 - one Lambda service per emulator process
    with _lock:
        if _service is None:
            _service = _Service(endpoint=endpoint, files=RuntimeFiles())


def stop() -> None:
    global _service  # noqa: PLW0603 - one Lambda service per emulator process
    with _lock:
        if _service is not None:
            _service.files.close()
            _service = None


def _running() -> _Service:
    if _service is None:
        raise LambdaServiceError("the emulator's Lambda service was not started")
    return _service


def endpoint() -> str:
    """Where the emulator answers: what a function's process and a custom resource's reply call."""
    return _running().endpoint


def managed_layer(arn: str) -> tuple[str, tuple[str, ...]] | None:
    """(layer name, packages) of an AWS-managed layer the emulator stands in for, else None."""
    return next((layer for pattern, layer in MANAGED_LAYERS.items() if pattern.match(arn)), None)


def _credentials(function: Any) -> dict[str, str]:
    """Temporary credentials of the function's execution role, from the emulator's own STS."""
    from moto.sts.models import sts_backends
    from moto.utilities.utils import get_partition

    sts = sts_backends[function.account_id][get_partition(function.region)]
    role = sts.assume_role(
        region_name=function.region,
        role_session_name=function.function_name[:64],
        role_arn=function.role,
        policy="",
        duration=3600,
        external_id="",
    )
    return {
        "AccessKeyId": role.access_key_id,
        "SecretAccessKey": role.secret_access_key,
        "SessionToken": role.session_token,
    }


def _layer_dirs(function: Any, files: RuntimeFiles) -> list[Path]:
    from moto.awslambda.utils import get_backend

    backend = get_backend(function.account_id, function.region)
    folders = []
    for layer in function.layers:
        arn = layer["Arn"] if isinstance(layer, dict) else str(layer)
        managed = managed_layer(arn)
        if managed:
            folders.append(files.linked_layer(*managed))
            continue
        version = backend.layers_versions_by_arn(arn)
        if version is None or not getattr(version, "code_bytes", b""):
            raise LambdaServiceError(f"layer {arn} has no content in the emulator")
        folders.append(files.unpacked("layers", version.code_bytes))
    return folders


def spec_of(function: Any) -> FunctionSpec:
    service = _running()
    runtime = str(function.run_time or "")
    if not runtime.startswith("python"):
        raise LambdaServiceError(
            f"the emulator runs Python functions only; {function.function_name} uses {runtime or 'an image'}"
        )
    if not function.code_bytes:
        raise LambdaServiceError(f"{function.function_name} has no deployed code in the emulator")
    return FunctionSpec(
        name=function.function_name,
        arn=function.function_arn,
        handler=function.handler,
        runtime=runtime,
        timeout_s=float(function.timeout or 3),
        memory_mb=int(function.memory_size or 128),
        environment=dict(function.environment_vars or {}),
        code_zip=function.code_bytes,
        log_group=function.logs_group_name,
        region=function.region,
        credentials=_credentials(function),
        layer_dirs=_layer_dirs(function, service.files),
    )


def write_logs(function: Any, invocation: Invocation) -> None:
    """The invocation's lines in the function's log group, one log stream per invocation as a cold start."""
    from moto.logs.models import logs_backends

    logs = logs_backends[function.account_id][function.region]
    logs.ensure_log_group(function.logs_group_name)
    logs.create_log_stream(function.logs_group_name, invocation.log_stream)
    start_ms = int(datetime.now(UTC).timestamp() * 1000)
    events = [
        {"timestamp": start_ms + index, "message": line} for index, line in enumerate(invocation.log_lines)
    ]
    logs.put_log_events(function.logs_group_name, invocation.log_stream, events)


def run(function: Any, event: Any) -> Invocation:
    """Invoke the function's deployed code with `event`; errors of the function are in the result."""
    service = _running()
    try:
        spec = spec_of(function)
    except LambdaServiceError as error:
        request_id = str(uuid.uuid4())
        return Invocation(
            request_id=request_id,
            payload=json.dumps(
                {"errorMessage": str(error), "errorType": "Runtime.InvalidEntrypoint"}
            ).encode(),
            function_error="Unhandled",
            log_stream="",
            log_lines=[],
            duration_ms=0.0,
        )
    invocation = invoke(
        spec, event, files=service.files, endpoint=service.endpoint, request_id=str(uuid.uuid4())
    )
    write_logs(function, invocation)
    return invocation


def log_tail(invocation: Invocation) -> str:
    """The invocation's log, last 4 KB, base64: what `--log-type Tail` returns."""
    text = "\n".join(invocation.log_lines).encode("utf-8")[-LOG_TAIL_BYTES:]
    return base64.b64encode(text).decode("ascii")
