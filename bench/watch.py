"""The learner's inner loop (issue 33): a handler edit live through `labkit watch` against `cdk deploy` of the
same kind of edit, on the emulator in one run; and one lab's synth against an empty app's.

Edit-to-live is timed from the file's save to the moment Lambda reports the edited package's CodeSha256 for
the lab's function (read by this benchmark with GetFunctionConfiguration, not from the watch's own output):
through `labkit watch` (running, as a learner leaves it), then through `cdk deploy` of a new edit.
One lab's synth is `cdk synth <Lab>` against `cdk synth` of an empty CDK app through the same pinned CLI (the
goal), and `python app.py` with the selection the launcher hands it against the empty app's own process, in
fresh processes taken in turns.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import ROOT, Row, median_seconds, run_python
from bench.synth import EMPTY_APP, _cdk_env
from labs.constructs.function_facts import CodeSource
from labs.ddb_stream.spec import LAB_ID
from labs.demo.cdk_cli import run_cdk
from labs.exercises.starters import starter
from labs.launcher.selection import SELECTION_ENV
from labs.watch.package import package
from local_aws.client import LocalAws

EMPTY_STACK_APP = 'import aws_cdk as cdk; app = cdk.App(); cdk.Stack(app, "Empty"); app.synth()'
LIVE_GOAL_RATIO = 5.0
SYNTH_GOAL_RATIO = 1.4
SYNTH_LABS = (LAB_ID, "LabSpot")
WATCH_EDITS = 3
DEPLOY_EDITS = 2
OWNER = "bench-watch"


def _edit(handler: Path, number: int) -> str:
    """Save edit `number` of the handler; the CodeSha256 its package will have."""
    text = handler.read_text(encoding="utf-8").split("\n# bench edit")[0]
    handler.write_text(f"{text}\n# bench edit {number}\n", encoding="utf-8")
    return package(CodeSource(handler.parent)).code_sha256


def _code_sha256(aws: LocalAws, function: str) -> str:
    return str(aws.session().client("lambda").get_function_configuration(FunctionName=function)["CodeSha256"])


def _until_live(
    aws: LocalAws, function: str, code_sha256: str, started: float, limit_s: float = 120
) -> float:
    """Seconds from `started` until the function reports this CodeSha256 (the watch's package of the edit)."""
    while _code_sha256(aws, function) != code_sha256:
        if time.perf_counter() - started > limit_s:
            raise RuntimeError(f"{function} never ran the edited code")
        time.sleep(0.02)
    return time.perf_counter() - started


def _writer(aws: LocalAws) -> str:
    resources = aws.session().client("cloudformation").list_stack_resources(StackName=f"{OWNER}-{LAB_ID}")
    return next(
        r["PhysicalResourceId"]
        for r in resources["StackResourceSummaries"]
        if r["ResourceType"] == "AWS::Lambda::Function"
        and r["LogicalResourceId"].startswith("CsvWriterFunction")
    )


def edit_to_live() -> list[Row]:
    """Median edit-to-live of `labkit watch` and of `cdk deploy`, same lab, same kind of edit, same run."""
    with LocalAws() as aws, tempfile.TemporaryDirectory() as scratch:
        handler = starter(LAB_ID).write(Path(scratch))
        context = ["-c", f"sandboxAccounts={aws.account_id}", "-c", f"owner={OWNER}"]
        context += ["-c", f"handlerCode={handler.parent}"]
        output = ["--output", str(Path(scratch) / "cdk.out")]
        run_cdk(["bootstrap", f"aws://{aws.account_id}/{aws.region}", *output], env=aws.env)
        deploy = ["deploy", LAB_ID, *context, "--require-approval", "never", *output]
        run_cdk(deploy, env=aws.env)
        function = _writer(aws)
        watched = _watch_times(aws, handler, function, context)
        deployed = []
        for number in range(DEPLOY_EDITS):
            before = _code_sha256(aws, function)
            _edit(handler, 100 + number)
            started = time.perf_counter()
            run_cdk(deploy, env=aws.env)
            # the deploy's zip is the CDK CLI's (other bytes than the watch's): live once the code changed
            if _code_sha256(aws, function) == before:
                raise RuntimeError(f"cdk deploy of the edit left {function}'s code as it was")
            deployed.append(time.perf_counter() - started)
    watch_s, deploy_s = statistics.median(watched), statistics.median(deployed)
    ratio = deploy_s / watch_s
    return [
        Row(f"loop: edit to live, labkit watch (median of {len(watched)} edits)", watch_s, "s"),
        Row(f"loop: edit to live, cdk deploy (median of {len(deployed)} edits)", deploy_s, "s"),
        Row(
            "loop: cdk deploy / labkit watch",
            ratio,
            "x",
            f">= {LIVE_GOAL_RATIO:g}x",
            ratio >= LIVE_GOAL_RATIO,
        ),
    ]


def _watch_times(aws: LocalAws, handler: Path, function: str, context: list[str]) -> list[float]:
    command = [str(Path(sys.executable).with_name("labkit")), "watch", LAB_ID, *context, "--timeout", "30"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=aws.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    rounds = threading.Semaphore(0)
    printed: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            printed.append(line)
            if line.startswith("Watching "):  # a round ended: the loop waits for the next save
                rounds.release()

    threading.Thread(target=read, daemon=True).start()
    times = []
    try:
        if not rounds.acquire(timeout=300):
            raise RuntimeError("labkit watch never started watching")
        for number in range(WATCH_EDITS):
            code_sha256 = _edit(handler, number)
            started = time.perf_counter()
            try:
                times.append(_until_live(aws, function, code_sha256, started, limit_s=120))
            except RuntimeError as error:
                raise RuntimeError(f"{error}; labkit watch printed:\n{''.join(printed)}") from None
            if not rounds.acquire(timeout=300):  # the round's exercise and check end before the next edit
                raise RuntimeError(f"labkit watch did not finish its round:\n{''.join(printed)}")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    return times


def _lab_synth_s(lab_id: str, out: str) -> float:
    """One synth of app.py as `cdk synth <Lab>` runs it: the launcher's selection in its environment."""
    env = {**_cdk_env(out), SELECTION_ENV: json.dumps([lab_id])}
    return median_seconds(lambda: run_python(["app.py"], env=env), repeat=1)


def _cli_synth_s(out: str, *args: str) -> float:
    """`cdk synth ARGS` with the venv's pinned CLI, as a learner types it."""
    command = [
        str(Path(sys.executable).with_name("cdk")),
        "synth",
        *args,
        "--quiet",
        "--no-notices",
        "-o",
        out,
    ]
    env = {**os.environ, "CDK_DISABLE_VERSION_CHECK": "1", "CDK_CLI_TELEMETRY_DISABLED": "1"}
    return median_seconds(
        lambda: subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True), repeat=1
    )


def one_lab_synth(*, rounds: int = 3) -> list[Row]:
    """Each of SYNTH_LABS alone against an empty app, in turns: `cdk synth <Lab>` against `cdk synth` of an
    empty app through the same CLI (the issue's target), and the app's own process against the empty app's."""
    cli: dict[str, list[float]] = {lab_id: [] for lab_id in SYNTH_LABS}
    app: dict[str, list[float]] = {lab_id: [] for lab_id in SYNTH_LABS}
    # the CLI refuses an app without a stack ("This app contains no stacks"): one empty stack
    empty_app = f"{sys.executable} -c '{EMPTY_STACK_APP}'"
    with tempfile.TemporaryDirectory() as out:
        for _ in range(rounds):
            empty_cli = _cli_synth_s(out, "--app", empty_app)
            empty = median_seconds(lambda: run_python(["-c", EMPTY_APP], env=_cdk_env(out)), repeat=1)
            for lab_id in SYNTH_LABS:
                cli[lab_id].append(
                    _cli_synth_s(out, lab_id, "-c", "sandboxAccounts=123456789012") / empty_cli
                )
                app[lab_id].append(_lab_synth_s(lab_id, out) / empty)
    rows = [
        Row(f"synth: python app.py for {lab_id} alone / empty app (median)", statistics.median(r), "x")
        for lab_id, r in app.items()
    ]
    rows += [
        Row(f"synth: cdk synth {lab_id} / cdk synth of an empty app (median)", statistics.median(r), "x")
        for lab_id, r in cli.items()
    ]
    worst = max(row.value for row in rows[len(app) :])
    rows.append(
        Row(
            "synth: cdk synth of one lab / of an empty app, the largest",
            worst,
            "x",
            f"<= {SYNTH_GOAL_RATIO:g}x",
            worst <= SYNTH_GOAL_RATIO,
        )
    )
    return rows


def measure() -> list[Row]:
    return [*one_lab_synth(), *edit_to_live()]
