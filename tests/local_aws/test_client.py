"""The emulator's lifecycle: a free port, an answer, and a stop on every way out of the `with` block."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from labs.emulator.command import shell_exports
from local_aws.client import (
    ACCOUNT_ID,
    EMULATOR_VARIABLE,
    REBALANCE_RECOMMENDATION,
    EmulatorError,
    ImagePublished,
    LocalAws,
    ScheduleFiring,
    SpotInterruption,
    on_emulator,
)
from tests.local_aws import answers, aws_endpoint

ROOT = Path(__file__).resolve().parents[2]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def gone(pid: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_two_emulators_answer_on_their_own_free_ports_and_stop_after_the_block() -> None:
    with LocalAws() as first, LocalAws() as second:
        assert first.port != second.port
        assert answers(first.endpoint)
        assert answers(second.endpoint)
        endpoints = (first.endpoint, second.endpoint)
    assert not any(answers(endpoint) for endpoint in endpoints)


def fail_inside(aws: LocalAws, ports: list[int]) -> None:
    with aws:
        ports.append(aws.port)
        raise RuntimeError("lab step failed")


def test_the_emulator_stops_when_the_block_raises() -> None:
    aws, ports = LocalAws(), []
    with pytest.raises(RuntimeError, match="lab step failed"):
        fail_inside(aws, ports)
    assert port_is_free(ports[0])
    assert not aws.running


def test_children_get_the_emulator_and_never_a_real_profile(
    local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "a-real-token")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://example.invalid")
    env = local_aws.env
    identity = local_aws.session().client("sts").get_caller_identity()
    exports = "\n".join(shell_exports(local_aws))
    assert "AWS_PROFILE" not in env
    assert "AWS_SESSION_TOKEN" not in env
    assert env["AWS_ENDPOINT_URL"] == aws_endpoint(exports)
    assert env["LABKIT_EMULATOR"] == "1"
    assert identity["Account"] == ACCOUNT_ID
    assert "unset AWS_PROFILE" in exports


def test_inside_patched_environ_this_process_keeps_its_own_settings_and_never_a_real_profile(
    local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    outside = dict(os.environ)
    with local_aws.patched_environ():
        inside = dict(os.environ)
    # PATH, HOME and the like still reach the CLIs a rehearsal starts; only AWS settings change
    assert inside["PATH"] == outside["PATH"]
    assert inside["PYTHONDONTWRITEBYTECODE"] == "1"
    assert "AWS_PROFILE" not in inside
    assert inside["AWS_ENDPOINT_URL"] == local_aws.endpoint
    assert dict(os.environ) == outside


SCRIPT = textwrap.dedent(
    """
    import sys, time
    from local_aws.client import LocalAws
    with LocalAws() as aws:
        print(aws._process.pid, aws._scratch, flush=True)
        time.sleep(60)
    """
)


def start_holder() -> tuple[subprocess.Popen[str], int, Path]:
    """A process holding an emulator, as `labkit demo` does: it, the server's pid and its temp folder."""
    holder = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert holder.stdout is not None
    pid, scratch = holder.stdout.readline().split()
    return holder, int(pid), Path(scratch)


def test_sigterm_to_the_process_holding_it_stops_the_emulator() -> None:
    holder, server_pid, scratch = start_holder()
    holder.send_signal(signal.SIGTERM)
    holder.wait(timeout=15)
    assert gone(server_pid)
    assert not scratch.exists()


def test_the_emulator_exits_when_the_process_that_started_it_is_killed() -> None:
    holder, server_pid, scratch = start_holder()
    holder.kill()  # SIGKILL: no clean-up code runs in the holder
    holder.wait(timeout=15)
    assert gone(server_pid)
    assert not scratch.exists()  # the server removed its own temporary files on its way out


def test_a_port_already_taken_fails_with_the_emulator_s_own_words() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(EmulatorError, match="Address already in use"):
            LocalAws(port=taken.getsockname()[1]).start()


@pytest.mark.unit
@pytest.mark.parametrize(
    ("endpoint", "flagged", "expected"),
    [
        ("http://localhost:4566", False, True),
        ("http://127.0.0.1:5000", False, True),
        ("http://[::1]:5000", False, True),
        ("https://sts.us-east-1.amazonaws.com", False, False),
        ("https://sts.us-east-1.api.aws", False, False),
        (None, False, False),
        ("https://sts.us-east-1.amazonaws.com", True, True),
    ],
)
def test_the_emulator_is_a_loopback_endpoint_or_said_so_by_labkit_emulator(
    monkeypatch: pytest.MonkeyPatch, endpoint: str | None, flagged: bool, expected: bool
) -> None:
    if flagged:
        monkeypatch.setenv(EMULATOR_VARIABLE, "1")
    else:
        monkeypatch.delenv(EMULATOR_VARIABLE, raising=False)
    assert on_emulator(endpoint) is expected


@pytest.mark.unit
def test_the_emulator_s_own_answers_read_back_as_they_were_sent() -> None:
    firing = ScheduleFiring("expiry", "deleted", "DeleteStack on lab ran", "DELETE_COMPLETE")
    interruption = SpotInterruption("i-1", "2030-01-01T00:00:10Z", 10.0, None, (REBALANCE_RECOMMENDATION,))
    image = ImagePublished("/aws/service/ami", "ami-1", "ami-2")
    assert ScheduleFiring.from_json(json.loads(json.dumps(firing.as_json()))) == firing
    assert SpotInterruption.from_json(json.loads(json.dumps(interruption.as_json()))) == interruption
    assert ImagePublished.from_json(json.loads(json.dumps(image.as_json()))) == image
