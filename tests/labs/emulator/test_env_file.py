"""Issue 30: a second `labkit emulator` never takes a running one's exports, tests keep out of the checkout's
.labkit/, and a shell that is not pointed at a running emulator gets one line saying what to do (from
`labkit`, the venv's `cdk` and its `aws`), at once instead of after a minute of refused connections."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from labs.emulator.env_file import (
    DEFAULT_ENV_FILE,
    ENV_FILE_VARIABLE,
    env_file_path,
    live_emulator,
    remove_if_ours,
    shell_problem,
    write_exports,
)

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]
BIN = ROOT / ".venv" / "bin"
KEY = "AKIAEXAMPLEEXAMPLE00"


@pytest.fixture
def listening() -> Iterator[int]:
    """A port something listens on, as a running emulator's does."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


@pytest.fixture
def sts_answering() -> Iterator[tuple[int, list[int]]]:
    """A port whose HTTP server answers every POST with the status at the head of the list it yields (403 is
    the emulator's refusal of a key it never issued, 200 its answer to the run's key or one it issued)."""
    statuses = [403]

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(statuses[0])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], statuses
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # released on close: nothing listens there


def exports(port: int, key: str = KEY) -> list[str]:
    return [f"export AWS_ENDPOINT_URL=http://localhost:{port}", f"export AWS_ACCESS_KEY_ID={key}"]


def test_the_tests_never_use_the_checkout_s_exports_file() -> None:
    assert os.environ[ENV_FILE_VARIABLE]
    assert env_file_path() != DEFAULT_ENV_FILE


def test_an_exports_file_names_a_live_emulator_only_while_its_process_runs_and_its_port_answers(
    tmp_path: Path, listening: int
) -> None:
    live, stale_pid, stale_port = tmp_path / "live.env", tmp_path / "pid.env", tmp_path / "port.env"
    write_exports(live, exports(listening), pid=os.getpid())
    write_exports(stale_pid, exports(listening), pid=2**22 + 7)
    write_exports(stale_port, exports(closed_port()), pid=os.getpid())

    found = live_emulator(live)

    assert found is not None
    assert found.endpoint == f"http://localhost:{listening}"
    assert live.stat().st_mode & 0o777 == 0o600
    assert live_emulator(stale_pid) is None
    assert live_emulator(stale_port) is None


def test_an_emulator_removes_only_the_exports_file_it_wrote(tmp_path: Path, listening: int) -> None:
    path = tmp_path / "emulator.env"
    write_exports(path, exports(listening), pid=os.getpid())

    remove_if_ours(path, os.getpid() + 1)  # another emulator's stop
    kept = path.is_file()
    remove_if_ours(path, os.getpid())

    assert kept
    assert not path.exists()


def test_a_second_labkit_emulator_is_refused_in_one_line_and_the_first_keeps_its_file(
    tmp_path: Path, listening: int
) -> None:
    path = tmp_path / "emulator.env"
    write_exports(path, exports(listening), pid=os.getpid())
    before = path.read_text()

    started = time.monotonic()
    second = subprocess.run(
        [sys.executable, "-m", "labs.cli", "emulator", "--env-file", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    said = [line for line in second.stderr.splitlines() if line.strip()]
    assert second.returncode == 2
    assert time.monotonic() - started < 30  # it never started a server
    assert len(said) == 1
    assert f"an emulator already runs on http://localhost:{listening} (pid {os.getpid()})" in said[0]
    assert f"source {path}" in said[0]
    assert path.read_text() == before


def _environ(**values: str) -> dict[str, str]:
    return {"HOME": "/nonexistent", **values}


def test_a_shell_pointed_at_a_stopped_emulator_is_told_to_start_one(tmp_path: Path) -> None:
    endpoint = f"http://localhost:{closed_port()}"

    said = shell_problem(_environ(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID=KEY), tmp_path / "none.env")

    assert said == (
        f"the emulator this shell points at ({endpoint}) does not answer: start `labkit emulator` in another "
        f"shell, then source {tmp_path / 'none.env'} here"
    )


def test_a_shell_with_an_earlier_run_s_exports_is_told_to_source_the_running_one(
    tmp_path: Path, sts_answering: tuple[int, list[int]]
) -> None:
    listening, _ = sts_answering
    path = tmp_path / "emulator.env"
    write_exports(path, exports(listening, key="AKIANEWRUNNEWRUN0000"), pid=os.getpid())
    old_port = f"http://localhost:{closed_port()}"

    moved = shell_problem(_environ(AWS_ENDPOINT_URL=old_port, AWS_ACCESS_KEY_ID=KEY), path)
    rekeyed = shell_problem(
        _environ(AWS_ENDPOINT_URL=f"http://localhost:{listening}", AWS_ACCESS_KEY_ID=KEY), path
    )
    current = shell_problem(
        _environ(AWS_ENDPOINT_URL=f"http://localhost:{listening}", AWS_ACCESS_KEY_ID="AKIANEWRUNNEWRUN0000"),
        path,
    )

    assert moved is not None
    assert f"the running emulator is on http://localhost:{listening}: source {path}" in moved
    earlier = f"this shell's exports are from an earlier run of the emulator on http://localhost:{listening}"
    assert rekeyed == f"{earlier}: source {path}"
    assert current is None


def test_a_shell_with_a_key_the_emulator_issued_is_not_told_its_exports_are_old(
    tmp_path: Path, sts_answering: tuple[int, list[int]]
) -> None:
    """A learner account's exports (`labkit class learner-account`) hold an AssumeRole session of the
    emulator: another key than the run's, which the emulator takes."""
    listening, statuses = sts_answering
    path = tmp_path / "emulator.env"
    write_exports(path, exports(listening, key="AKIANEWRUNNEWRUN0000"), pid=os.getpid())
    session = _environ(
        AWS_ENDPOINT_URL=f"http://localhost:{listening}",
        AWS_ACCESS_KEY_ID="ASIALEARNERSESSION00",
        AWS_SESSION_TOKEN="token",
    )

    statuses[0] = 200
    taken = shell_problem(session, path)
    statuses[0] = 403
    refused = shell_problem(session, path)

    assert taken is None
    assert refused is not None
    assert "from an earlier run of the emulator" in refused


def test_a_shell_without_credentials_beside_an_emulator_is_told_to_source_its_exports(
    tmp_path: Path, listening: int
) -> None:
    path = tmp_path / "emulator.env"
    write_exports(path, exports(listening), pid=os.getpid())
    stale = tmp_path / "stale.env"
    write_exports(stale, exports(closed_port()), pid=os.getpid())

    running = shell_problem(_environ(), path)
    stopped = shell_problem(_environ(), stale)
    real_account = shell_problem(_environ(AWS_PROFILE="sandbox"), path)
    nothing_here = shell_problem(_environ(), tmp_path / "none.env")

    no_credentials = (
        f"this shell has no AWS credentials, but an emulator runs on http://localhost:{listening}"
    )
    assert running == f"{no_credentials}: source {path}"
    assert stopped is not None
    assert "no longer runs: start `labkit emulator` in another shell" in stopped
    assert real_account is None  # credentials and no emulator endpoint: the learner means AWS
    assert nothing_here is None


@pytest.mark.parametrize(
    ("command", "prefix"),
    [
        (["cdk", "deploy", "LabEc2"], "cdk: "),
        (["aws", "s3", "ls"], "aws: "),
        (["labkit", "check", "LabEc2"], "labkit: "),
    ],
)
def test_cdk_aws_and_labkit_against_a_stopped_emulator_fail_at_once_with_the_way_to_it(
    tmp_path: Path, command: list[str], prefix: str
) -> None:
    endpoint = f"http://localhost:{closed_port()}"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    environ |= {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": "x"}
    environ |= {"LABKIT_EMULATOR": "1", "AWS_REGION": "us-east-1", ENV_FILE_VARIABLE: str(tmp_path / "e.env")}

    started = time.monotonic()
    done = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode != 0
    assert time.monotonic() - started < 30  # the CDK CLI took 63 s to give up on a refused connection
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith(f"{prefix}the emulator this shell points at ({endpoint})")
    )
