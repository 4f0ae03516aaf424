"""Ctrl-C during a labkit command's in-process synth: one line, no traceback, no Node, no kernel folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labs.cdk_kernel import ENTRY, REAL_NODE_ENV, own_session, use_own_session
from labs.launcher.__main__ import cli_environment

pytestmark = pytest.mark.synth  # runs labkit in a process of its own, with the CDK

LABKIT = Path(sys.executable).with_name("labkit")
# what a terminal's Ctrl-C does: SIGINT to the whole foreground process group, whose members take it
IN_A_GROUP = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def test_jsii_gets_the_real_node_in_a_session_of_its_own_unless_one_is_chosen() -> None:
    chosen = {"JSII_NODE": "/opt/node"}
    fresh: dict[str, str] = {}

    use_own_session(chosen)
    use_own_session(fresh)

    assert chosen == {"JSII_NODE": "/opt/node"}
    assert fresh["JSII_NODE"] == str(ENTRY)
    assert Path(fresh[REAL_NODE_ENV]).name == "node"
    assert os.access(ENTRY, os.X_OK)


def test_ctrl_c_during_labkit_cost_says_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path), "AWS_REGION": "us-east-1"}
    env.pop("JSII_NODE", None)
    process = subprocess.Popen(
        [sys.executable, "-c", IN_A_GROUP, str(LABKIT), "cost"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("jsii-kernel-*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # the CDK's kernel runs: the synth is under way
    os.killpg(process.pid, signal.SIGINT)
    _out, err = process.communicate(timeout=60)

    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == "labkit: interrupted"
    assert "Traceback" not in err
    assert list(tmp_path.glob("jsii-kernel-*")) == []  # Node ended through jsii, and cleaned up


def test_the_cdk_cli_s_app_keeps_jsii_in_the_group_the_launcher_stops() -> None:
    environ = {"PATH": "/bin"}
    use_own_session(environ)

    env = cli_environment(environ, Path("/node/bin"), "deploy")

    assert "JSII_NODE" not in env  # app.py's Node, like the CLI's, goes with the launcher's group
    assert cli_environment({"JSII_NODE": "/opt/node"}, Path("/n"))["JSII_NODE"] == "/opt/node"


def test_a_command_run_in_process_leaves_the_environment_as_it_was() -> None:
    environ = {"PATH": "/bin"}

    with own_session(environ):
        inside = dict(environ)

    assert inside["JSII_NODE"] == str(ENTRY)
    assert environ == {"PATH": "/bin"}  # a test's next subprocess gets no JSII_NODE of this command's


def test_another_checkouts_script_is_dropped_too() -> None:
    elsewhere = {"JSII_NODE": "/tmp/kit/labs/cdk_kernel/node_in_own_session.py", REAL_NODE_ENV: "/n/node"}

    env = cli_environment(elsewhere, Path("/n"))

    assert "JSII_NODE" not in env
    assert REAL_NODE_ENV not in env
