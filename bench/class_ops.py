"""`labkit class status` and `labkit class check` for 100 learners over 10 accounts on the emulator.

Each of the 10 learner accounts gets a learner's administrator role, a CDK bootstrap and the teacher-access
stack (labs/classroom/rehearsal.py), deployed with the pinned CDK CLI; its first learner's stream lab is
synthesized in this process and deployed with the CLI too (which publishes the assets into that account);
the other 9 learners of the account are created through
CloudFormation change sets with that template and its stack tags, the owner id replaced (all ids have one
length and appear nowhere else), as the CLI sends them. Both commands then run through the CLI's entry
point, reaching every learner through sts:AssumeRole into the teacher-access stack's role, output discarded.
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
from typing import Any

from bench.common import Row, median_seconds
from labs.classroom.rehearsal import TEACHER_ROLE, create_admin_role, learner_env, synthesize_teacher_access
from labs.cli import main
from labs.ddb_stream.spec import LAB_ID as DDB_STREAM_LAB
from labs.demo.cdk_cli import run_cdk
from labs.registry import lab_ids
from labs.settings import LabSettings
from labs.synthesis import synthesize
from labs.teacher_access.facts import STACK_ID, TeacherAccessSettings, principal_of_caller
from local_aws.client import LocalAws

ACCOUNTS = 10
PER_ACCOUNT = 10
LAB = DDB_STREAM_LAB  # cheap on the emulator: no instance, no VPC
EXTERNAL_ID = "bench-class"
# the learner's way into their account (a sandbox's own administrator role), never the teacher's
LEARNER_ROLE = "LabkitBenchLearner"
STATUS_GOAL_S = 20.0
# the whole class graded within a lab period's last minutes: 3 minutes for 100 learners
CHECK_GOAL_S = 180.0


def _accounts() -> list[str]:
    return [str(100000000001 + number) for number in range(ACCOUNTS)]


def _owners(account_index: int) -> list[str]:
    return [f"learner-{account_index * PER_ACCOUNT + number + 1:03d}" for number in range(PER_ACCOUNT)]


def _roster_text() -> str:
    lines = [f"role={TEACHER_ROLE} external-id={EXTERNAL_ID}"]
    for index, account in enumerate(_accounts()):
        lines += [f"{owner} {account}" for owner in _owners(index)]
    return "\n".join(lines) + "\n"


def _synthesized(owner: str, account: str, outdir: Path) -> tuple[str, dict[str, str]]:
    """The learner's lab assembly in `outdir` (what `cdk synth -c owner=...` writes): template and tags."""
    settings = LabSettings(owner=owner, sandbox_accounts=(account,), now=datetime.now(UTC))
    done = synthesize(settings, outdir=str(outdir))
    return json.dumps(done.assembly.get_stack_by_name(done.stacks[LAB].stack_name).template), done.stack_tags(
        LAB
    )


def _teacher_access(aws: LocalAws, workdir: Path) -> Path:
    """The teacher-access stack trusting the emulator's caller with the bench's external id."""
    caller = principal_of_caller(aws.session().client("sts").get_caller_identity()["Arn"])
    settings = TeacherAccessSettings(principals=(str(caller),), external_id=EXTERNAL_ID)
    return synthesize_teacher_access(settings, workdir / "teacher-access", lab_ids())


def _deploy_account(
    aws: LocalAws, account: str, owners: Sequence[str], workdir: Path, teacher_access: Path
) -> None:
    session = aws.session()
    teacher = session.client("sts").get_caller_identity()["Account"]
    role = create_admin_role(session, account, trusted_account=teacher, role=LEARNER_ROLE)
    env = learner_env(session, role, aws.env)
    folder = workdir / account
    folder.mkdir()
    run_cdk(["bootstrap", f"aws://{account}/{aws.region}"], env=env, cwd=folder)
    run_cdk(["deploy", STACK_ID, "--app", str(teacher_access), "--require-approval", "never"], env=env)
    first = folder / "cdk.out"
    template, tags = _synthesized(owners[0], account, first)
    run_cdk(["deploy", LAB, "--app", str(first), "--require-approval", "never"], env=env)
    cloudformation = _client(aws, env, "cloudformation")
    for owner in owners[1:]:
        name = f"{owner}-{LAB}"
        # a change set, as the CDK CLI deploys (moto completes custom resources only on this path)
        cloudformation.create_change_set(
            StackName=name,
            ChangeSetName="bench",
            ChangeSetType="CREATE",
            TemplateBody=template.replace(owners[0], owner),
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
            Tags=[{"Key": key, "Value": value.replace(owners[0], owner)} for key, value in tags.items()],
        )
        cloudformation.execute_change_set(StackName=name, ChangeSetName="bench")


def _client(aws: LocalAws, env: dict[str, str], service: str) -> Any:
    import boto3

    make: Any = boto3.client  # the service is a variable: no typed overload applies
    return make(
        service,
        endpoint_url=aws.endpoint,
        region_name=aws.region,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
    )


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
    accounts = _accounts()
    n = ACCOUNTS * PER_ACCOUNT
    with LocalAws() as aws, tempfile.TemporaryDirectory(prefix="labkit-bench-class-") as folder:
        workdir = Path(folder)
        roster = workdir / "roster.txt"
        roster.write_text(_roster_text(), encoding="utf-8")
        started = time.perf_counter()
        teacher_access = _teacher_access(aws, workdir)
        for index, account in enumerate(accounts):
            _deploy_account(aws, account, _owners(index), workdir, teacher_access)
        set_up = time.perf_counter() - started
        status = median_seconds(lambda: _labkit_class(aws, "status", "--roster", str(roster)), repeat=repeat)
        status_serial = _timed(aws, "status", "--roster", str(roster), "--workers", "1")
        check = _timed(aws, "check", "--roster", str(roster), "--report", str(workdir / "report"))
    where = f"{n} learners over {ACCOUNTS} accounts, {LAB} each, on the emulator"
    return [
        Row(
            f"class set-up: {ACCOUNTS} accounts bootstrapped with the teacher-access stack, {n} stacks "
            "(not a goal)",
            set_up,
            "s",
        ),
        Row(f"class status: {where}", status, "s", f"<= {STATUS_GOAL_S:g} s", status <= STATUS_GOAL_S),
        Row("class status: per learner", status / n, "s"),
        Row("class status: 1 worker / 8 workers", status_serial / status, "x"),
        Row(
            f"class check: {where}, with every report",
            check,
            "s",
            f"<= {CHECK_GOAL_S:g} s",
            check <= CHECK_GOAL_S,
        ),
        Row("class check: per learner", check / n, "s"),
    ]
