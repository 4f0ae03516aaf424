"""A class of 5 learners, each in an account of their own, reached only through the teacher-access stack, on
the emulator through the real CLIs: `labkit class learner-account` makes the accounts (Organizations'
CreateAccount, `cdk bootstrap`, `cdk deploy LabkitTeacherAccess`), each learner deploys labs with the CDK CLI
as themselves, then the teacher runs preflight, status, check (every lab, every opt-in), guard --enforce
and destroy. frank's account has no teacher role: he is not reached, and nothing stops for him.

Every AWS call those commands make with the teacher role's credentials is recorded and judged by IAM's
policy simulator against the role the stack deployed (conditions decided on the resource's account and
labkit:lab tag): the role's least privilege suffices for everything the tools do, and refuses the rest.
"""

from __future__ import annotations

import csv
import io
import os
import shlex
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
import pytest

from labs import synthesis
from labs.classroom.rehearsal import ACCESS_ROLE, TEACHER_ROLE
from labs.cli import main
from labs.demo.cdk_cli import run_cdk
from labs.registry import lab_ids
from labs.settings import LabSettings
from local_aws.client import LocalAws
from tests.labs.teacher_access.calls import (
    UNAUTHORIZED,
    WRITES,
    Call,
    decision,
    lab_tag,
    recording,
    resources,
)
from tests.synth import CDK_GROUP

pytestmark = [CDK_GROUP, pytest.mark.e2e]

EXTERNAL_ID = "class-1b-rehearsal"
# the emulator's caller, as a trust policy names it
TEACHER = "arn:aws:iam::123456789012:user/moto"
DEPLOYS = {
    "alice": ("LabEc2", "LabAsg", "LabBatch"),
    "bob": ("LabDdbStream", "LabStepFunction", "LabEfs"),
    "carol": ("LabColdStart", "LabSpot"),
    "dave": ("LabEc2",),
    "erin": (),
}
UNREACHED = ("frank", "444444444444")
TERMINAL = {"COLUMNS": "400", "NO_COLOR": "1"}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Class:
    aws: LocalAws
    folder: Path
    roster: Path
    accounts: dict[str, str]  # owner -> account
    envs: dict[str, dict[str, str]]  # owner -> the learner's exports
    by_hand: str  # the instance erin launched from "the console"


def labkit(aws: LocalAws, folder: Path, *args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(folder)  # learner-account writes each learner's exports under ./.labkit/learners
    try:
        with (
            aws.patched_environ(),
            patch.dict(os.environ, TERMINAL),
            redirect_stdout(out),
            redirect_stderr(err),
        ):
            code = main(list(args))
    finally:
        os.chdir(cwd)
    return Run(code, out.getvalue(), err.getvalue())


def exports(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        found[key] = shlex.split(value)[0] if value else ""
    return found


def client(aws: LocalAws, env: dict[str, str], service: str) -> Any:
    make: Any = boto3.client  # the service is a variable: no typed overload applies
    return make(
        service,
        endpoint_url=aws.endpoint,
        region_name=aws.region,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
    )


def line_with(out: str, *words: str) -> str:
    return next((line for line in out.splitlines() if all(word in line for word in words)), "")


@pytest.fixture(scope="module")
def a_class(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Class]:
    """Five learner accounts with the teacher-access stack, each learner's labs deployed as they do it."""
    folder = tmp_path_factory.mktemp("class")
    roster = folder / "class-1b.txt"
    with LocalAws(spot_warning_s=2) as aws:
        made = labkit(
            aws, folder, "class", "learner-account", *DEPLOYS,
            "--external-id", EXTERNAL_ID, "--roster", str(roster),
        )  # fmt: skip
        assert made.returncode == 0, made.stdout + made.stderr
        envs = {owner: exports(folder / ".labkit" / "learners" / f"{owner}.env") for owner in DEPLOYS}
        accounts = {
            owner: client(aws, env, "sts").get_caller_identity()["Account"] for owner, env in envs.items()
        }
        for owner, labs in DEPLOYS.items():
            if not labs:
                continue
            assembly = str(tmp_path_factory.mktemp(f"cdk-{owner}"))
            settings = LabSettings(owner=owner, sandbox_accounts=(accounts[owner],), now=datetime.now(UTC))
            synthesis.synthesize(settings, outdir=assembly, only=labs)
            deploy = ["deploy", *labs, "--app", assembly, "--require-approval", "never", "--concurrency", "2"]
            run_cdk(deploy, env={**aws.env, **envs[owner]})
        ec2 = client(aws, envs["erin"], "ec2")
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        by_hand = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)
        text = roster.read_text(encoding="utf-8").splitlines()
        text[0] += " cap=0.05"  # the settings line: every learner's cap
        text = [line + " cap=0.005" if line.startswith("dave ") else line for line in text]
        roster.write_text("\n".join([*text, " ".join(UNREACHED), ""]), encoding="utf-8")
        yield Class(aws, folder, roster, accounts, envs, by_hand["Instances"][0]["InstanceId"])


def test_the_learner_accounts_trust_only_the_teacher_with_the_class_s_external_id(a_class: Class) -> None:
    roster = a_class.roster.read_text(encoding="utf-8")
    learner = client(a_class.aws, a_class.envs["alice"], "sts").get_caller_identity()["Arn"]

    assert roster.startswith(f"role={TEACHER_ROLE} external-id={EXTERNAL_ID} cap=0.05\n")
    assert len(set(a_class.accounts.values())) == 5
    for owner, account in a_class.accounts.items():
        assert f"{owner:<5} {account}" in roster
        iam = client(a_class.aws, a_class.envs[owner], "iam")
        trust = iam.get_role(RoleName=TEACHER_ROLE)["Role"]["AssumeRolePolicyDocument"]
        (statement,) = trust["Statement"]
        trusted = statement["Principal"]["AWS"]
        assert (trusted if isinstance(trusted, list) else [trusted]) == [TEACHER]
        assert statement["Condition"]["StringEquals"] == {"sts:ExternalId": EXTERNAL_ID}
    assert f":assumed-role/{ACCESS_ROLE}/" in learner  # the learner acts through the account's own role


def test_the_class_s_life_through_the_teacher_role_and_every_call_it_made_is_allowed(a_class: Class) -> None:
    aws, folder, roster = a_class.aws, a_class.folder, str(a_class.roster)
    labs = lab_ids()
    with recording() as during:
        preflight = labkit(aws, folder, "class", "preflight", "--roster", roster, *labs)
        status = labkit(aws, folder, "class", "status", "--roster", roster)
        check = labkit(
            aws, folder, "class", "check", "--roster", roster, "--report", str(folder / "report"),
            "--self-heal", "--interrupt", "--submit",
        )  # fmt: skip
    # judged while the resources the checks wrote to still exist (their tags are part of the decision)
    denied_during, made_during = judge(a_class, during.calls)
    with recording() as after:
        guard = labkit(aws, folder, "class", "guard", "--roster", roster, "--enforce")
        destroy = labkit(aws, folder, "class", "destroy", "--roster", roster, "--yes")
    denied_after, made_after = judge(a_class, after.calls)

    frank = f"frank: role arn:aws:iam::{UNREACHED[1]}:role/{TEACHER_ROLE} in account {UNREACHED[1]} cannot be"
    for owner, account in a_class.accounts.items():
        assert line_with(preflight.stdout, f"{account} us-east-1: region us-east-1", "pass"), preflight.stdout
        assert line_with(status.stdout, owner, account), status.stdout
    assert frank in status.stdout
    assert line_with(status.stdout, "dave", "OVER"), status.stdout
    grades = {
        (row["owner"], row["lab"]): row["grade"]
        for row in csv.DictReader(io.StringIO((folder / "report" / "report.csv").read_text(encoding="utf-8")))
    }
    for owner, deployed in DEPLOYS.items():
        for lab in deployed:
            assert grades[(owner, lab)] == "pass", (owner, lab, check.stdout)
    assert guard.returncode == 1  # frank is not reached
    assert line_with(guard.stdout, "dave", "dave-LabEc2", "$0.00000"), guard.stdout
    assert (
        "1 learner(s) brought under their cap, 0 overdue stack(s) deleted, verified; "
        "1 place(s) not reached or not verified: their spend is unknown"
    ) in guard.stdout
    assert destroy.returncode == 1
    for owner, deployed in DEPLOYS.items():
        for lab in deployed:
            if owner != "dave":
                assert line_with(destroy.stdout, f"{owner}-{lab}", "deleted"), destroy.stdout
    stop = f"aws ec2 terminate-instances --instance-ids {a_class.by_hand} --region us-east-1"
    assert stop in destroy.stdout
    assert line_with(destroy.stdout, "erin", a_class.by_hand, "$0.01540"), destroy.stdout

    assert denied_during + denied_after == [], "\n".join(denied_during + denied_after)
    assert made_during | made_after >= WRITES  # every write was made, and allowed


def judge(a_class: Class, calls: list[Call]) -> tuple[list[str], set[str]]:
    """Each call the teacher role made, judged by the simulator on the deployed role; the teacher's own
    credentials may only name themselves and assume the role (with the external id and a source identity)."""
    sts = a_class.aws.session().client("sts")
    teacher = sts.get_caller_identity()["Arn"]
    role_account: dict[tuple[str, str, str | None], str | None] = {}
    denied: list[str] = []
    made: set[str] = set()
    admins = {account: admin_session(a_class, owner) for owner, account in a_class.accounts.items()}
    judged: set[tuple[str, str, str, tuple[tuple[str, str], ...]]] = set()
    for call in calls:
        key = call.credentials
        if key not in role_account:
            caller = client_with(a_class.aws, key).get_caller_identity()["Arn"]
            role_account[key] = None if caller == teacher else caller.split(":")[4]
            assert caller == teacher or f":assumed-role/{TEACHER_ROLE}/labkit-moto" in caller, caller
        account = role_account[key]
        if account is None:
            assert call.action in {"sts:GetCallerIdentity", "sts:AssumeRole"}, call.action
            if call.action == "sts:AssumeRole":
                assert call.params["ExternalId"] == EXTERNAL_ID
                assert call.params["SourceIdentity"] == "moto"
            continue
        if call.action in UNAUTHORIZED:
            continue
        made.add(call.action)
        admin = admins[account]
        for resource in resources(call, account):
            context = {"aws:ResourceAccount": account}
            tag = lab_tag(admin, call, resource) if call.action in WRITES else None
            if tag:
                context["aws:ResourceTag/labkit:lab"] = tag
            once = (account, call.action, resource, tuple(sorted(context.items())))
            if once in judged:
                continue
            judged.add(once)
            role = f"arn:aws:iam::{account}:role/{TEACHER_ROLE}"
            verdict = decision(admin, role, call.action, resource, context)
            if verdict != "allowed":
                denied.append(f"{call.action} on {resource} ({verdict})")
    return denied, made


class AtEmulator(boto3.Session):
    """A session whose clients all talk to the emulator."""

    def __init__(self, endpoint: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._endpoint = endpoint

    def client(self, *args: Any, **kwargs: Any) -> Any:
        return super().client(*args, endpoint_url=self._endpoint, **kwargs)  # type: ignore[call-overload]


def admin_session(a_class: Class, owner: str) -> boto3.Session:
    """The learner's own way into their account (the account's OrganizationAccountAccessRole)."""
    env = a_class.envs[owner]
    return AtEmulator(
        a_class.aws.endpoint,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
        region_name=a_class.aws.region,
    )


def client_with(aws: LocalAws, key: tuple[str, str, str | None]) -> Any:
    return boto3.client(
        "sts",
        endpoint_url=aws.endpoint,
        region_name=aws.region,
        aws_access_key_id=key[0],
        aws_secret_access_key=key[1],
        aws_session_token=key[2],
    )


def test_the_role_refuses_what_the_tools_never_do(a_class: Class) -> None:
    owner = "alice"
    account = a_class.accounts[owner]
    admin = admin_session(a_class, owner)
    role = f"arn:aws:iam::{account}:role/{TEACHER_ROLE}"
    stack = f"arn:aws:cloudformation:us-east-1:{account}:stack/{{}}/0a1b"

    for name in ("CDKToolkit", "LabkitTeacherAccess"):
        assert decision(admin, role, "cloudformation:DeleteStack", stack.format(name), {}) != "allowed"
    assert decision(admin, role, "iam:CreateUser", "*", {}) != "allowed"
    assert decision(admin, role, "ec2:RunInstances", "*", {}) != "allowed"
    instance = f"arn:aws:ec2:us-east-1:{account}:instance/i-0123456789abcdef0"
    untagged = {"aws:ResourceAccount": account}  # an instance without the kit's labkit:lab tag
    assert decision(admin, role, "ec2:TerminateInstances", instance, untagged) != "allowed"
