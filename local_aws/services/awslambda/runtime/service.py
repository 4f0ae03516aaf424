"""The Lambda service of the emulator: a moto function model in, one real invocation out, logs written.

`start(endpoint)` is called once by the emulator's server when it knows its own address; the parity fixes
(services/awslambda/functions.py) then route every way moto invokes a function through `run()`, which
runs it in a warm execution environment when one is idle (runtime/pool.py), and keep
provisioned concurrency configurations here (`put_provisioned`), whose environments start ahead.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from local_aws.moto_bridge import backend, moto_name
from local_aws.services.awslambda.runtime.invoke import (
    FileMount,
    FunctionSpec,
    Invocation,
    RuntimeFiles,
    ServiceError,
)
from local_aws.services.awslambda.runtime.pool import EnvironmentPool
from local_aws.services.awslambda.runtime.provisioned import (
    FAILED,
    READY,
    ProvisionedConfig,
    ProvisionedConfigs,
)
from local_aws.services.efs.mounts import MountError, file_system_configs, function_mounts
from local_aws.settings import idle_seconds

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


class FileSystemMountError(LambdaServiceError):
    """Lambda could not mount the function's file system: the invocation fails with Lambda's own error."""

    def __init__(self, error: ServiceError) -> None:
        super().__init__(f"{error.code}: {error.message}")
        self.error = error


@dataclass
class _Service:
    endpoint: str
    files: RuntimeFiles
    pool: EnvironmentPool
    provisioned: ProvisionedConfigs = field(default_factory=ProvisionedConfigs)


_service: _Service | None = None
_lock = threading.Lock()


def start(endpoint: str, *, idle_s: float | None = None) -> None:
    """Make the service ready in this process (the emulator's server, once it is listening)."""
    global _service  # noqa: PLW0603 - one Lambda service per emulator process
    with _lock:
        if _service is None:
            files = RuntimeFiles()
            pool = EnvironmentPool(files=files, endpoint=endpoint, idle_s=idle_s or idle_seconds())
            _service = _Service(endpoint=endpoint, files=files, pool=pool)


def stop() -> None:
    """Shut the Lambda service down: its environments and their files."""
    global _service  # noqa: PLW0603 - one Lambda service per emulator process
    with _lock:
        if _service is not None:
            _service.pool.shutdown()
            _service.files.close()
            _service = None


def pool() -> EnvironmentPool:
    """The running service's execution environments."""
    return _running().pool


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
    sts = backend("sts", function.account_id, function.region)
    role = sts.assume_role(
        region_name=function.region,
        role_session_name=function.function_name[:64],
        role_arn=function.role,
        policy="",
        # an environment may stay warm for hours: its credentials must not expire under it
        duration=43200,
        external_id="",
    )
    return {
        "AccessKeyId": role.access_key_id,
        "SecretAccessKey": role.secret_access_key,
        "SessionToken": role.session_token,
    }


def _layer_dirs(function: Any, files: RuntimeFiles) -> list[Path]:
    lambdas = backend("lambda", function.account_id, function.region)
    folders = []
    for layer in function.layers:
        arn = layer["Arn"] if isinstance(layer, dict) else str(layer)
        managed = managed_layer(arn)
        if managed:
            folders.append(files.linked_layer(*managed))
            continue
        version = lambdas.layers_versions_by_arn(arn)
        if version is None or not getattr(version, "code_bytes", b""):
            raise LambdaServiceError(f"layer {arn} has no content in the emulator")
        folders.append(files.unpacked("layers", version.code_bytes))
    return folders


def _mounts(function: Any) -> tuple[FileMount, ...]:
    """The function's file systems, mounted as Lambda mounts them at invocation (services/efs/mounts.py)."""
    configs = file_system_configs(function)
    if not configs:
        return ()
    try:
        mounted = function_mounts(
            configs, function.vpc_config, account_id=function.account_id, region=function.region
        )
    except MountError as error:
        failure = ServiceError(code=error.code, message=error.message, status=error.status)
        raise FileSystemMountError(failure) from None
    return tuple(FileMount(path=m.local_path, host_dir=m.host_dir, access=m.access) for m in mounted)


def spec_of(function: Any) -> FunctionSpec:
    """What the runtime needs to run a moto function (Python only); LambdaServiceError otherwise."""
    service = _running()
    runtime = str(function.run_time or "")
    if not runtime.startswith("python"):
        raise LambdaServiceError(
            f"the emulator runs Python functions only; {function.function_name} uses {runtime or 'an image'}"
        )
    if not function.code_bytes:
        raise LambdaServiceError(f"{function.function_name} has no deployed code in the emulator")
    logging_config = getattr(function, "labkit_logging_config", None) or {}
    return FunctionSpec(
        version=str(function.version),
        log_format=str(logging_config.get("LogFormat") or "Text"),
        revision=json.dumps([function.description, function.role]),
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
        mounts=_mounts(function),
    )


def write_logs(function: Any, log_stream: str, lines: list[str]) -> None:
    """Lines at the end of an execution environment's log stream (one stream per environment, as on AWS)."""
    if not lines:
        return
    logs = backend("logs", function.account_id, function.region)
    logs.ensure_log_group(function.logs_group_name)
    with contextlib.suppress(moto_name("logs.ResourceAlreadyExistsException")):
        logs.create_log_stream(function.logs_group_name, log_stream)
    start_ms = int(datetime.now(UTC).timestamp() * 1000)
    events = [{"timestamp": start_ms + index, "message": line} for index, line in enumerate(lines)]
    logs.put_log_events(function.logs_group_name, log_stream, events)


def unqualified_arn(function: Any) -> str:
    """The function's ARN without a version or alias."""
    arn = str(function.function_arn)
    name = str(function.function_name)
    return arn[: arn.index(f":function:{name}") + len(f":function:{name}")]


def run(function: Any, event: Any, *, qualifier: str | None = None) -> Invocation:
    """Invoke the function's deployed code with `event`; errors of the function are in the result.

    `qualifier` is the alias or version the caller named: its READY provisioned environments serve first.
    """
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
            service_error=error.error if isinstance(error, FileSystemMountError) else None,
        )
    provisioned_for = None
    if qualifier:
        config = service.provisioned.get(unqualified_arn(function), qualifier)
        if config is not None and config.status == READY:
            provisioned_for = config.key
    invocation = service.pool.invoke(
        spec, event, request_id=str(uuid.uuid4()), provisioned_for=provisioned_for
    )
    write_logs(function, invocation.log_stream, invocation.log_lines)
    return invocation


def put_provisioned(
    function: Any, qualifier: str, requested: int, *, wait: bool = False
) -> ProvisionedConfig:
    """Provisioned concurrency for the alias or version `function` resolves to: IN_PROGRESS, then READY.

    `function` is the version the qualifier names (moto's model of it). The environments start in the
    background, as on AWS; `wait` blocks until they did (CloudFormation waits for READY too).
    """
    service = _running()
    function_arn = unqualified_arn(function)
    config = service.provisioned.put(function_arn, qualifier, requested)

    def allocate() -> None:
        try:
            environments = service.pool.provision(spec_of(function), key=config.key, count=requested)
            for environment in environments:
                write_logs(function, environment.log_stream, environment.take_init_lines())
            failed = [e for e in environments if e.init is None or not e.init.ok]
            if failed:
                raise LambdaServiceError(
                    f"the function's init failed: {failed[0].init and failed[0].init.error}"
                )
        except (LambdaServiceError, OSError) as error:
            service.pool.deprovision(config.key)
            config.status, config.status_reason = FAILED, str(error)
            return
        config.allocated, config.status = requested, READY

    worker = threading.Thread(target=allocate, name=f"provision-{qualifier}", daemon=True)
    worker.start()
    if wait:
        worker.join()
    return config


def get_provisioned(function: Any, qualifier: str) -> ProvisionedConfig | None:
    """The provisioned concurrency of a function's qualifier, or None."""
    return _running().provisioned.get(unqualified_arn(function), qualifier)


def list_provisioned(function: Any) -> list[ProvisionedConfig]:
    """Every provisioned concurrency configuration of a function."""
    return _running().provisioned.of_function(unqualified_arn(function))


def delete_provisioned(function: Any, qualifier: str) -> bool:
    """Remove the qualifier's provisioned concurrency and shut its environments down; False if none."""
    service = _running()
    config = service.provisioned.delete(unqualified_arn(function), qualifier)
    if config is None:
        return False
    service.pool.deprovision(config.key)
    return True


def log_tail(invocation: Invocation) -> str:
    """The invocation's log, last 4 KB, base64: what `--log-type Tail` returns."""
    text = "\n".join(invocation.log_lines).encode("utf-8")[-LOG_TAIL_BYTES:]
    return base64.b64encode(text).decode("ascii")
