"""`labkit class status` and `labkit class check` for a class of 30 on the emulator, as time per learner.

Each learner's stream lab is synthesized in this process (what `cdk synth -c owner=...` writes). The
first is deployed with the pinned CDK CLI, which bootstraps and publishes the assets; the other 29 are
created through CloudFormation change sets with their own templates and stack tags, as the CLI sends
them, in a fraction of a CLI run each. Both commands run through the CLI's entry point, output discarded.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Row, median_seconds
from labs.cdk_json import feature_flags
from labs.cli import main
from labs.ddb_stream.spec import LAB_ID as DDB_STREAM_LAB
from labs.demo.cdk_cli import run_cdk
from labs.emulator import LocalAws
from labs.registry import lab
from labs.settings import LabSettings

CLASS_SIZE = 30
LAB = DDB_STREAM_LAB  # cheap on the emulator: no instance, no VPC
STATUS_GOAL_S = 20.0


def _owners() -> list[str]:
    return [f"learner-{number:02d}" for number in range(1, CLASS_SIZE + 1)]


def _synthesized(owner: str, outdir: Path) -> tuple[str, dict[str, str]]:
    """The learner's stream lab assembly in `outdir` (what `cdk synth -c owner=...` writes), with its
    template and stack tags."""
    from aws_cdk import App

    app = App(outdir=str(outdir), context=feature_flags())
    stack = lab(LAB).stack()(app, settings=LabSettings(owner=owner, now=datetime.now(UTC)))
    artifact = app.synth().get_stack_by_name(stack.stack_name)
    return json.dumps(artifact.template), dict(artifact.tags)


def _deploy_class(aws: LocalAws, owners: Sequence[str], workdir: Path) -> None:
    run_cdk(["bootstrap", f"aws://{aws.account_id}/{aws.region}"], env=aws.env, cwd=workdir)
    first = workdir / "cdk.out"
    _synthesized(owners[0], first)
    run_cdk(["deploy", LAB, "--app", str(first), "--require-approval", "never"], env=aws.env)
    cloudformation = aws.session().client("cloudformation")
    for owner in owners[1:]:
        template, tags = _synthesized(owner, workdir / f"cdk.out.{owner}")
        name = f"{owner}-{LAB}"
        # a change set, as the CDK CLI deploys (moto completes custom resources only on this path)
        cloudformation.create_change_set(
            StackName=name,
            ChangeSetName="bench",
            ChangeSetType="CREATE",
            TemplateBody=template,
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
            Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
        )
        cloudformation.execute_change_set(StackName=name, ChangeSetName="bench")


def _labkit_class(aws: LocalAws, *args: str) -> None:
    with aws.patched_environ(), redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as err:
        code = main(["class", *args])
    if code != 0:
        raise RuntimeError(
            f"labkit class {' '.join(args)} exited {code}, so its time is no figure:\n{err.getvalue()}"
        )


def _timed(aws: LocalAws, *args: str) -> float:
    start = time.perf_counter()
    _labkit_class(aws, *args)
    return time.perf_counter() - start


def measure(*, repeat: int = 3) -> list[Row]:
    owners = _owners()
    with LocalAws() as aws, tempfile.TemporaryDirectory(prefix="labkit-bench-class-") as folder:
        workdir = Path(folder)
        roster = workdir / "roster.txt"
        roster.write_text("\n".join(owners) + "\n", encoding="utf-8")
        _deploy_class(aws, owners, workdir)
        status = median_seconds(lambda: _labkit_class(aws, "status", "--roster", str(roster)), repeat=repeat)
        status_serial = _timed(aws, "status", "--roster", str(roster), "--workers", "1")
        check = _timed(aws, "check", "--roster", str(roster), "--report", str(workdir / "report"))
        check_serial = _timed(
            aws, "check", "--roster", str(roster), "--report", str(workdir / "r1"), "--workers", "1"
        )
    n = len(owners)
    return [
        Row(
            f"class status: {n} learners with {LAB} on the emulator",
            status,
            "s",
            f"<= {STATUS_GOAL_S:g} s",
            status <= STATUS_GOAL_S,
        ),
        Row("class status: per learner", status / n, "s"),
        Row("class status: 1 worker / 8 workers", status_serial / status, "x"),
        Row(f"class check: {n} learners' {LAB} checks and the report", check, "s"),
        Row("class check: per learner", check / n, "s"),
        Row("class check: 1 worker / 8 workers", check_serial / check, "x"),
    ]
