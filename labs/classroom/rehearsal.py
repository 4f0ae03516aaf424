"""A class across accounts rehearsed on the kit's emulator: learner accounts with the teacher's role in them.

Accounts are made as a sandbox solution makes them: AWS Organizations' CreateAccount, which gives each new
account an `OrganizationAccountAccessRole` trusted by the management account (the teacher's emulator
account). The learner, and the set-up, act in the account through that role; the real CDK CLI bootstraps it
and deploys the teacher-access stack (`LabkitTeacherAccess`) into it, whose role the class tools then assume
with the class's external id and the teacher's source identity, as on AWS. The emulator keys all state by
account: credentials from AssumeRole act in the role's account.
"""

from __future__ import annotations

import json
import os
import shlex
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from labs.teacher_access.facts import DEFAULT_ROLE_NAME, STACK_ID, TeacherAccessSettings, principal_of_caller

# the role Organizations creates in each account it makes (Organizations guide: accessing member accounts)
ACCESS_ROLE = "OrganizationAccountAccessRole"
TEACHER_ROLE = DEFAULT_ROLE_NAME
# the emulator's own header for "this request acts in that account"; AWS ignores it
_ACCOUNT_HEADER = "x-moto-account-id"
_CREATE_ACCOUNT_POLL_S = 0.2
_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
CLI_WORKERS = 2
# a rehearsal's external id when neither --external-id nor cdk.json names one
REHEARSAL_EXTERNAL_ID = "labkit-rehearsal"
# where `labkit class learner-account` writes each learner's exports
LEARNERS_DIR = Path(".labkit") / "learners"


class RehearsalError(RuntimeError):
    """A learner account could not be made on the emulator; the message says which step and why."""


@dataclass(frozen=True, kw_only=True)
class LearnerAccount:
    """A learner's account on the emulator: its id, the learner's way in, and the teacher's role there."""

    owner: str
    account: str
    access_role_arn: str
    teacher_role_arn: str


def trust_policy(teacher_account: str) -> str:
    """A role trust policy that lets principals of the teacher's account assume the role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{teacher_account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def create_admin_role(session: boto3.Session, account: str, *, trusted_account: str, role: str) -> str:
    """An administrator role in another emulator account, trusted by `trusted_account` (a way into that
    account for tests, as a landing zone's admin role is); its ARN. Never the teacher's role."""
    iam: Any = session.client("iam")

    def in_account(request: Any, **_: Any) -> None:
        request.headers[_ACCOUNT_HEADER] = account

    iam.meta.events.register("before-sign.iam.*", in_account)
    try:
        created = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust_policy(trusted_account))
        everything = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
        iam.put_role_policy(RoleName=role, PolicyName="admin", PolicyDocument=json.dumps(everything))
    finally:
        iam.meta.events.unregister("before-sign.iam.*", in_account)
    return str(created["Role"]["Arn"])


def ensure_organization(session: boto3.Session) -> None:
    """The teacher's emulator account is an organisation's management account (made so if it is none)."""
    organizations: Any = session.client("organizations")
    try:
        organizations.describe_organization()
    except organizations.exceptions.AWSOrganizationsNotInUseException:
        organizations.create_organization(FeatureSet="ALL")


def open_account(session: boto3.Session, owner: str) -> tuple[str, str]:
    """A new member account of the teacher's organisation for `owner` (ensure_organization first): its id,
    and the ARN of its OrganizationAccountAccessRole."""
    organizations: Any = session.client("organizations")
    request = organizations.create_account(
        Email=f"{owner}@learners.labkit.invalid", AccountName=f"labkit-{owner}"
    )
    status = request["CreateAccountStatus"]
    while status["State"] == "IN_PROGRESS":
        time.sleep(_CREATE_ACCOUNT_POLL_S)
        status = organizations.describe_create_account_status(CreateAccountRequestId=status["Id"])[
            "CreateAccountStatus"
        ]
    if status["State"] != "SUCCEEDED":
        reason = status.get("FailureReason", "?")
        raise RehearsalError(f"{owner}: CreateAccount ended {status['State']}: {reason}")
    account = str(status["AccountId"])
    return account, f"arn:aws:iam::{account}:role/{ACCESS_ROLE}"


def learner_env(session: boto3.Session, role_arn: str, env: Mapping[str, str]) -> dict[str, str]:
    """`env` with credentials of the role: what a learner's CLI (cdk, aws) uses to act in their account."""
    credentials = session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="learner")[
        "Credentials"
    ]
    return {
        **env,
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }


def synthesize_teacher_access(
    settings: TeacherAccessSettings, outdir: Path, lab_ids: tuple[str, ...]
) -> Path:
    """The teacher-access stack alone, synthesized into `outdir` (what `cdk synth LabkitTeacherAccess`
    writes with those settings), once for every learner account of the class."""
    from aws_cdk import App

    from labs.cdk_json import feature_flags
    from labs.teacher_access.stack import TeacherAccessStack

    app = App(outdir=str(outdir), context=feature_flags())
    TeacherAccessStack(app, settings=settings, lab_ids=lab_ids)
    app.synth()
    return outdir


def set_up_learner_account(
    session: boto3.Session,
    owner: str,
    *,
    env: Mapping[str, str],
    assembly: Path,
    region: str,
    workdir: Path,
    role_name: str = TEACHER_ROLE,
) -> LearnerAccount:
    """A new account for `owner`, bootstrapped and given the teacher-access stack by the real CDK CLI."""
    from labs.demo.cdk_cli import CdkCliError, run_cdk

    account, access_role = open_account(session, owner)
    learner = learner_env(session, access_role, env)
    folder = workdir / owner
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run_cdk(["bootstrap", f"aws://{account}/{region}"], env=learner, cwd=folder)
        deploy = ["deploy", STACK_ID, "--app", str(assembly), "--require-approval", "never"]
        run_cdk(deploy, env=learner, cwd=folder)
    except CdkCliError as error:
        raise RehearsalError(f"{owner} ({account}): {error}") from None
    return LearnerAccount(
        owner=owner,
        account=account,
        access_role_arn=access_role,
        teacher_role_arn=f"arn:aws:iam::{account}:role/{role_name}",
    )


def env_file_text(environ: Mapping[str, str], credentials: Mapping[str, str]) -> str:
    """Exports that make a shell act as the learner in their emulator account: this shell's emulator
    settings, the learner's credentials."""
    kept = {
        key: value
        for key, value in environ.items()
        if key.startswith(("AWS_", "CDK_", "LABKIT_")) and key not in _CREDENTIALS
    }
    chosen = {**kept, **{key: credentials[key] for key in _CREDENTIALS if key in credentials}}
    lines = [f"export {key}={shlex.quote(value)}" for key, value in sorted(chosen.items())]
    return "\n".join(lines) + "\n"


def roster_text(accounts: list[LearnerAccount], *, external_id: str, role_name: str = TEACHER_ROLE) -> str:
    """The roster of these learner accounts: a settings line (the role, the class's external id), then a
    line per learner with their account."""
    width = max(len(made.owner) for made in accounts)
    lines = [f"role={role_name} external-id={external_id}"]
    lines += [f"{made.owner:<{width}} {made.account}" for made in accounts]
    return "\n".join(lines) + "\n"


def teacher_settings(
    session: boto3.Session, principals: list[str], external_id: str | None
) -> TeacherAccessSettings:
    """The teacher-access stack of a rehearsal: trusting the emulator's caller (and `principals`), with the
    class's external id (given, else cdk.json's classExternalId, else REHEARSAL_EXTERNAL_ID)."""
    from labs.classroom.accounts import configured_external_id

    caller = principal_of_caller(session.client("sts").get_caller_identity()["Arn"])
    return TeacherAccessSettings(
        principals=tuple(dict.fromkeys([*([caller] if caller else []), *principals])),
        external_id=external_id or configured_external_id() or REHEARSAL_EXTERNAL_ID,
    )


def write_private(path: Path, text: str) -> None:
    """`text` in a file only its owner reads (0600, as .labkit/emulator.env): it holds a learner's secret
    key and session token. Created with that mode, never readable by others in between; a file there
    already is replaced."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def make_learner_accounts(
    session: boto3.Session,
    owners: list[str],
    *,
    settings: TeacherAccessSettings,
    environ: Mapping[str, str],
    env_dir: Path,
    on_done: Callable[[str], None] | None = None,
) -> list[tuple[LearnerAccount, Path]]:
    """A learner account per owner, each with the teacher-access stack; each with a file of exports that
    act as that learner there (`env_dir/<owner>.env`), in the owners' order."""
    from labs.classroom.sessions import run_bounded
    from labs.registry import lab_ids

    env_dir.mkdir(parents=True, exist_ok=True)
    ensure_organization(session)
    with tempfile.TemporaryDirectory(prefix="labkit-learners-") as scratch:
        assembly = synthesize_teacher_access(settings, Path(scratch) / "cdk.out", lab_ids())

        def make(owner: str) -> tuple[LearnerAccount, Path]:
            made = set_up_learner_account(
                session,
                owner,
                env=dict(environ),
                assembly=assembly,
                region=session.region_name or "us-east-1",
                workdir=Path(scratch),
                role_name=settings.role_name,
            )
            path = env_dir / f"{owner}.env"
            credentials = learner_env(session, made.access_role_arn, {})
            write_private(path, env_file_text(environ, credentials))
            return made, path

        # two CDK CLIs at a time: each is a Node process of its own
        return run_bounded(owners, make, workers=CLI_WORKERS, on_done=on_done)
