"""Each owner's synth goes to a folder of its own; a folder another CLI holds is named in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from labs.launcher.__main__ import arguments, cli_environment
from labs.launcher.output import busy_message, context_values, live_lock_holder, output_folder


def test_an_owners_deploy_gets_its_own_output_folder(tmp_path: Path) -> None:
    args = ["deploy", "LabEc2", "-c", "owner=alice", "--require-approval", "never"]

    chosen = output_folder(args, cwd=tmp_path, environ={"HOME": str(tmp_path)})
    cli_args, folder = arguments(args, cwd=tmp_path, environ={"HOME": str(tmp_path)})

    assert chosen == "cdk.out-alice"
    assert cli_args[-2:] == ["--output", "cdk.out-alice"]
    assert folder == "cdk.out-alice"


def test_an_output_the_learner_chose_is_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".cdk.json").write_text(json.dumps({"output": "/elsewhere"}))

    given = output_folder(["deploy", "-c", "owner=bob", "--output", "mine"], cwd=tmp_path, environ={})
    configured = output_folder(["deploy", "-c", "owner=bob"], cwd=tmp_path, environ={"HOME": str(home)})
    (tmp_path / "cdk.out").mkdir()
    from_assembly = output_folder(["deploy", "--app", "cdk.out", "-c", "owner=bob"], cwd=tmp_path, environ={})
    no_owner = output_folder(["deploy", "LabEc2"], cwd=tmp_path, environ={"HOME": str(tmp_path)})
    bootstrap = output_folder(["bootstrap", "-c", "owner=bob"], cwd=tmp_path, environ={"HOME": str(tmp_path)})

    assert (given, configured, from_assembly, no_owner, bootstrap) == (None, None, None, None, None)


def test_context_pairs_are_read_in_every_spelling() -> None:
    args = ["deploy", "-c", "owner=alice", "--context", "ttlHours=3", "--context=a=b=c", "-c", "novalue"]

    assert context_values(args) == {"owner": "alice", "ttlHours": "3", "a": "b=c"}


def test_a_folder_held_by_a_running_cli_is_named_with_the_command_that_runs_beside_it(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / f"read.{holder.pid}.1.lock").write_text(str(holder.pid))
        (tmp_path / "synth.lock").write_text("999999999")  # a CLI that is gone holds nothing

        found = live_lock_holder(tmp_path)
    finally:
        holder.kill()
        holder.wait()
    message = busy_message(["deploy", "LabEc2"], folder="cdk.out", holder=holder.pid)

    assert found == holder.pid
    assert live_lock_holder(tmp_path) is None  # once it has exited
    assert message.count("\n") == 0
    assert f"(PID {holder.pid})" in message
    assert message.endswith("cdk deploy LabEc2 --output cdk.out-2")


def test_the_cli_and_what_it_runs_share_the_region_cdk_deploy_uses() -> None:
    environ = {"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "us-east-1", "PATH": "/bin"}
    env = cli_environment(environ, Path("/n"))

    assert env["AWS_DEFAULT_REGION"] == "eu-central-1"
    assert env["PATH"].split(os.pathsep)[0] == "/n"


def test_the_folder_checked_for_a_lock_is_the_one_the_cli_will_use(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()

    _, plain = arguments(["deploy", "LabEc2"], cwd=tmp_path, environ={"HOME": str(tmp_path)})
    _, given = arguments(["synth", "-o", "elsewhere"], cwd=tmp_path, environ={"HOME": str(tmp_path)})
    _, version = arguments(["--version"], cwd=tmp_path, environ={"HOME": str(tmp_path)})
    (home / ".cdk.json").write_text(json.dumps({"output": "/mine"}))
    _, configured = arguments(["deploy", "LabEc2"], cwd=tmp_path, environ={"HOME": str(home)})

    assert (plain, given, version, configured) == ("cdk.out", "elsewhere", None, None)


def test_a_deploy_of_an_assembly_folder_runs_beside_a_cli_that_holds_cdk_out(tmp_path: Path) -> None:
    # the CLI reads `--app <folder>` under a read lock of that folder and never writes cdk.out
    # (aws-cdk lib/cxapp/exec.js): the demo's redeploy of its own assembly ran while a test synthesized
    assembly = tmp_path / "redeploy.out"
    assembly.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / "cdk.out").mkdir()
        (tmp_path / "cdk.out" / "synth.lock").write_text(str(holder.pid))
        env = {"HOME": str(tmp_path)}

        _, from_assembly = arguments(["deploy", "LabEc2", "--app", str(assembly)], cwd=tmp_path, environ=env)
        _, from_command = arguments(["deploy", "LabEc2", "--app", "python3 x.py"], cwd=tmp_path, environ=env)
        owners = output_folder(["deploy", "-a", "python3 x.py", "-c", "owner=bob"], cwd=tmp_path, environ=env)
        held = live_lock_holder(tmp_path / "cdk.out")
    finally:
        holder.kill()
        holder.wait()

    assert from_assembly is None
    assert held == holder.pid
    assert from_command == "cdk.out"  # an app the CLI runs synthesizes into cdk.out, and waits for its lock
    assert owners == "cdk.out-bob"
