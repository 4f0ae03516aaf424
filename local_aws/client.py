"""How labs and tools reach the emulator: the one module of local_aws they import.

- `LocalAws`: the emulator (moto's server with the parity fixes) as a context manager, stopped on exit, on
  error and on Ctrl-C; its `env`, `session()`, parity fixes and gaps; a random credential per run, the only
  one it accepts besides those it issues (`credentials`, in `env_vars`);
- the emulator's own calls beside AWS's (`fire_schedule`, `interrupt_spot_instance`, `publish_image`), so no
  caller speaks its private /_labkit/ protocol;
- `on_emulator(endpoint)`: whether an endpoint (or LABKIT_EMULATOR=1) means the kit's emulator;
- the AWS facts the labs share with the emulator (Spot event types, the FIS action), from aws_facts, and
  the moto release the emulator is built on (MOTO_VERSION).
Importing it imports neither moto nor boto3 (a test checks): the labs' CDK-free modules may.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlparse

from local_aws.admin_protocol import (
    EmulatorCallError,
    ImagePublished,
    ScheduleFiring,
    SpotInterruption,
    accepts_keys,
    fire_schedule,
    interrupt_spot_instance,
    publish_image,
    signed_request,
)
from local_aws.aws_facts import (
    AWS_WARNING_S,
    EC2_EVENT_SOURCE,
    FIS_ACTION,
    INTERRUPTION_WARNING,
    REBALANCE_RECOMMENDATION,
    SPOT_EVENT_TYPES,
)
from local_aws.moto_bridge import MOTO_VERSION
from local_aws.sessions import EmulatorCredentials, emulator_session
from local_aws.settings import (
    ACCESS_KEY_VARIABLE,
    ACCOUNT_ID,
    IDLE_VARIABLE,
    PRICES_VARIABLE,
    READY,
    REGION,
    SCRATCH_VARIABLE,
    SECRET_VARIABLE,
    WARNING_VARIABLE,
)

if TYPE_CHECKING:
    import boto3

    from local_aws.fixes import EmulatorGap, ParityFix

__all__ = [
    "ACCOUNT_ID",
    "AWS_WARNING_S",
    "EC2_EVENT_SOURCE",
    "EMULATOR_VARIABLE",
    "FIS_ACTION",
    "INTERRUPTION_WARNING",
    "MOTO_VERSION",
    "REBALANCE_RECOMMENDATION",
    "REGION",
    "SPOT_EVENT_TYPES",
    "EmulatorCallError",
    "EmulatorCredentials",
    "EmulatorError",
    "ImagePublished",
    "LocalAws",
    "ScheduleFiring",
    "SpotInterruption",
    "accepts_keys",
    "fire_schedule",
    "interrupt_spot_instance",
    "on_emulator",
    "publish_image",
]

# where `python -m local_aws.server` finds this package, installed or not
_IMPORT_ROOT = Path(__file__).resolve().parents[1]
# set in the environment the emulator gives its users: tools then know they talk to the kit's emulator
EMULATOR_VARIABLE = "LABKIT_EMULATOR"
HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
_LOG_TAIL_BYTES = 64 * 1024
# a real profile, token or account must never reach a process that talks to the emulator
_STRIPPED_PREFIXES = ("AWS_", "CDK_DEFAULT_", "CDK_DEPLOY_")


class EmulatorError(RuntimeError):
    """The emulator did not start, or stopped answering; the message ends with its log's last lines."""


def _without_real_aws(environ: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in environ.items() if not key.startswith(_STRIPPED_PREFIXES)}


class LocalAws:
    """A moto server with the kit's parity fixes on a free loopback port, for one `with` block."""

    def __init__(
        self,
        *,
        port: int = 0,
        region: str = REGION,
        startup_timeout_s: float = STARTUP_TIMEOUT_S,
        verbose: bool = False,
        lambda_idle_s: float | None = None,
        spot_warning_s: float | None = None,
        prices: Path | None = None,
    ) -> None:
        self.region = region
        # how long a function's idle execution environment stays warm (None: the emulator's default)
        self.lambda_idle_s = lambda_idle_s
        # how long a Spot interruption's warning lasts before the termination (None: the emulator's 10 s)
        self.spot_warning_s = spot_warning_s
        # a price file (the kit's price table) for the emulator's Spot market; None: no prices
        self.prices = prices
        self.account_id = ACCOUNT_ID
        # the run's key: the only one the emulator accepts besides those it issues (a new one each start)
        self.credentials = EmulatorCredentials.generate()
        self._requested_port = port
        self._startup_timeout_s = startup_timeout_s
        self._verbose = verbose
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._scratch: str | None = None
        self._port: int | None = None
        self._previous_sigterm: Any = None

    # -- what callers use -------------------------------------------------------------------------
    @property
    def parity_fixes(self) -> tuple[ParityFix, ...]:
        """The AWS parity fixes the emulator applies, as the demo and `labkit emulator` list them."""
        from local_aws.services import PARITY_FIXES

        return PARITY_FIXES

    @property
    def gaps(self) -> tuple[EmulatorGap, ...]:
        """What the emulator cannot do and no fix restores: checks report these as not verifiable."""
        from local_aws.services import EMULATOR_GAPS

        return EMULATOR_GAPS

    @property
    def port(self) -> int:
        if self._port is None:
            raise EmulatorError("the emulator is not running: use LocalAws in a `with` block")
        return self._port

    @property
    def endpoint(self) -> str:
        # `localhost`, not 127.0.0.1: moto reads a TemplateURL's bucket from the host unless it is localhost
        return f"http://localhost:{self.port}"

    @property
    def env_vars(self) -> dict[str, str]:
        """The variables that point AWS SDKs, the AWS CLI and the CDK CLI at this emulator."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.credentials.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.credentials.secret_access_key,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            # no profile file can add a real credential or endpoint
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            # botocore sends DynamoDB Streams calls to an account endpoint moto does not route
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "CDK_DISABLE_VERSION_CHECK": "1",
            "CDK_CLI_TELEMETRY_DISABLED": "1",
            EMULATOR_VARIABLE: "1",
        }

    @property
    def env(self) -> dict[str, str]:
        """A child process's whole environment: this one without any AWS setting, plus `env_vars`."""
        return {**_without_real_aws(os.environ), **self.env_vars}

    def session(self) -> boto3.Session:
        """A boto3 session whose clients talk to the emulator, whatever this process's environment says."""
        return emulator_session(self.endpoint, self.region, self.credentials)

    @contextlib.contextmanager
    def patched_environ(self) -> Iterator[None]:
        """Point this process's own default AWS clients at the emulator too, until the block ends."""
        saved, patched = dict(os.environ), self.env  # self.env reads os.environ: read it before clearing
        os.environ.clear()
        os.environ.update(patched)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def log_tail(self, lines: int = 20) -> str:
        """The last lines the server has logged, for an error message."""
        if self._log is None:
            return ""
        # pread leaves the file offset the server writes at untouched
        size = os.fstat(self._log.fileno()).st_size
        start = max(0, size - _LOG_TAIL_BYTES)
        text = os.pread(self._log.fileno(), size - start, start).decode(errors="replace")
        return "\n".join(text.strip().splitlines()[-lines:])

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def wait(self) -> int:
        """Block until the server exits (it runs until stopped); returns its exit code."""
        if self._process is None:
            raise EmulatorError("the emulator was never started")
        return self._process.wait()

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the emulator's server and wait until it answers."""
        if self._process is not None:
            raise EmulatorError("this LocalAws is already running")
        self.credentials = EmulatorCredentials.generate()
        # unlinked at once: even a killed kit leaves no log file behind
        self._log = tempfile.TemporaryFile(prefix="labkit-emulator-", suffix=".log")  # noqa: SIM115 - closed in stop()
        # the server's and its functions' temporary files live here, removed in stop() even after a SIGKILL
        self._scratch = tempfile.mkdtemp(prefix="labkit-emulator-")
        command = [sys.executable, "-m", "local_aws.server", "--host", HOST, "--port"]
        command += [str(self._requested_port), *(["--verbose"] if self._verbose else [])]
        try:
            # own session: the terminal's Ctrl-C reaches the kit, which stops the server in order
            self._process = subprocess.Popen(
                command,
                cwd=_IMPORT_ROOT,
                env={
                    **_without_real_aws(os.environ),
                    "PYTHONUNBUFFERED": "1",
                    "TMPDIR": self._scratch,
                    SCRATCH_VARIABLE: self._scratch,
                    ACCESS_KEY_VARIABLE: self.credentials.access_key_id,
                    SECRET_VARIABLE: self.credentials.secret_access_key,
                    **({IDLE_VARIABLE: str(self.lambda_idle_s)} if self.lambda_idle_s else {}),
                    **(
                        {WARNING_VARIABLE: str(self.spot_warning_s)}
                        if self.spot_warning_s is not None
                        else {}
                    ),
                    **({PRICES_VARIABLE: str(Path(self.prices).resolve())} if self.prices else {}),
                },
                stdout=subprocess.PIPE,
                stderr=self._log,
                start_new_session=True,
            )
            self._port = self._read_port()
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise

    def _read_port(self) -> int:
        assert self._process is not None
        assert self._process.stdout is not None
        deadline = time.monotonic() + self._startup_timeout_s
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if selector.select(timeout=0.2):
                    line = self._process.stdout.readline().decode().strip()
                    word, _, port = line.partition(" ")
                    if word == READY and port.isdigit():
                        return int(port)
                    raise EmulatorError(self._failure(f"unexpected first line {line!r}"))
                if self._process.poll() is not None:
                    raise EmulatorError(self._failure(f"exited with code {self._process.returncode}"))
        raise EmulatorError(self._failure(f"did not start within {self._startup_timeout_s:.0f} s"))

    def _wait_until_answering(self) -> None:
        config = self._get_json("/moto-api/config")
        if config.get("lambda", {}).get("use_docker") is not False:
            raise EmulatorError(self._failure(f"runs with the wrong configuration: {config}"))

    def _get_json(self, path: str) -> dict[str, Any]:
        import urllib.request

        deadline = time.monotonic() + self._startup_timeout_s
        while True:
            request = signed_request("GET", f"{self.endpoint}{path}", credentials=self.credentials)
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
                    result: dict[str, Any] = json.load(answer)
                    return result
            except OSError as error:
                if time.monotonic() > deadline or not self.running:
                    raise EmulatorError(
                        self._failure(f"does not answer on {self.endpoint}: {error}")
                    ) from None
                time.sleep(0.1)

    def _failure(self, what: str) -> str:
        tail = self.log_tail()
        return f"the local AWS emulator {what}" + (f"; its log ends with:\n{tail}" if tail else "")

    def stop(self) -> None:
        """Stop the server and everything in its process group; safe to call twice."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                self._signal_group(process, signal.SIGTERM)
                try:
                    process.wait(timeout=STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    self._signal_group(process, signal.SIGKILL)
                    process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        self._port = None

    @staticmethod
    def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)

    def __enter__(self) -> LocalAws:
        self._trap_sigterm()
        try:
            self.start()
        except BaseException:
            self._restore_sigterm()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self.stop()
        finally:
            self._restore_sigterm()

    def _trap_sigterm(self) -> None:
        """A plain SIGTERM would end this process without leaving the `with` block: make it an exit."""
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)

    def _restore_sigterm(self) -> None:
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def on_emulator(endpoint: str | None) -> bool:
    """True for the kit's emulator: LABKIT_EMULATOR=1, or an endpoint on this machine."""
    if os.environ.get(EMULATOR_VARIABLE) == "1":
        return True
    # not "anything but amazonaws.com": AWS also answers on api.aws, FIPS and VPC endpoint names
    host = urlparse(endpoint or "").hostname or ""
    return host in {"localhost", "::1"} or host.startswith("127.")
