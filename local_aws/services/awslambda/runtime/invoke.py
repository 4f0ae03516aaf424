"""What an invocation of a Python function needs, and what it gives back (environment.py runs it).

What the Lambda Python runtime gives a function is rebuilt under one temporary folder per emulator:
`runtime/` links the libraries the runtime ships (boto3 and what it needs), `code/<sha>/` holds each
deployed zip unpacked once, `layers/<sha>/` each layer. The function's process sees only those on its
path, its own environment variables, the credentials of its role and the emulator as its endpoint.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import json
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BOOTSTRAP = Path(__file__).resolve().with_name("bootstrap.py")
# what the Lambda Python runtime ships besides the standard library
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six")
PYTHON_RUNTIME = "python3.13"
# Lambda bills in 1 ms steps
BILLING_STEP_MS = 1


# the runtime reads the function's mounts from this variable and removes it before the handler is imported
MOUNTS_VARIABLE = "LABKIT_MOUNTS"
READ_WRITE, READ_ONLY, NO_ACCESS = "rw", "ro", "none"
# read-only as a file system (a write fails with EROFS), as Lambda's /var/task and /opt are
READ_ONLY_FILE_SYSTEM = "rofs"


class RuntimeFilesError(RuntimeError):
    """A deployed zip or layer the emulator cannot unpack; the message names it."""


@dataclass(frozen=True, kw_only=True)
class FileMount:
    """A folder of this machine that a function's process sees at a path of its own: an EFS access point at
    its LocalMountPath, the environment's own /tmp. `access` is what the function's POSIX user may do there
    (READ_WRITE, READ_ONLY, NO_ACCESS): anything more fails with Permission denied, as on AWS."""

    path: str
    host_dir: Path
    access: str = READ_WRITE

    def as_json(self) -> dict[str, str]:
        """What the runtime's side reads from MOUNTS_VARIABLE."""
        return {"path": self.path, "host": str(self.host_dir), "access": self.access}


@dataclass(frozen=True, kw_only=True)
class ServiceError:
    """Lambda's own error for an invocation that never reached the function (a file system it cannot mount):
    the API's error code, message and HTTP status, as the Invoke API reference lists them."""

    code: str
    message: str
    status: int


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
    # "$LATEST" or a published version's number
    version: str = "$LATEST"
    # LoggingConfig.LogFormat: "Text" or "JSON"
    log_format: str = "Text"
    # the rest of the configuration (description, role): any update of it retires warm environments, as on AWS
    revision: str = ""
    # the file systems it mounts (FileSystemConfigs), each at its LocalMountPath
    mounts: tuple[FileMount, ...] = ()

    @functools.cached_property
    def fingerprint(self) -> str:
        """What makes a new execution environment necessary when it changes: code and configuration."""
        digest = hashlib.sha256(self.code_zip)
        settings = [self.arn, self.version, self.handler, self.runtime, self.timeout_s, self.memory_mb]
        settings += [sorted(self.environment.items()), [str(p) for p in self.layer_dirs], self.log_format]
        settings.append(self.revision)
        settings.append([mount.as_json() for mount in self.mounts])
        digest.update(json.dumps(settings, default=str).encode("utf-8"))
        return digest.hexdigest()


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
    # the init phase's duration when this invocation was a cold start (on demand), else None
    init_ms: float | None = None
    # which execution environment served it ("" when none could start)
    environment_id: str = ""
    # set when Lambda itself refused the invocation (the function never ran): the caller gets this API error
    service_error: ServiceError | None = None


class RuntimeFiles:
    """The emulator's unpacked code, layers and runtime libraries, under one folder removed on close."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or tempfile.mkdtemp(prefix="labkit-lambda-"))
        self._lock = threading.Lock()
        self.runtime_dir = self._link_runtime_packages()

    def close(self) -> None:
        """Remove the environment's files."""
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


def function_environment(
    spec: FunctionSpec,
    *,
    endpoint: str,
    log_stream: str,
    code_dir: Path,
    initialization_type: str = "on-demand",
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
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        # "provisioned-concurrency" in a pre-started environment (Powertools' cold_start reads it)
        "AWS_LAMBDA_INITIALIZATION_TYPE": initialization_type,
        "AWS_LAMBDA_LOG_FORMAT": spec.log_format,
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
