"""`labkit class learner-account`: an emulator account per learner with the teacher-access stack in it, its
roster line and the learner's exports; the class then reaches it only with the class's external id."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import pytest

from labs.classroom.rehearsal import LearnerAccount, append_roster, roster_text
from labs.cli import main
from local_aws.client import LocalAws

ROSTER = "r.txt"


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def labkit(aws: LocalAws | None, folder: Path, *args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        with (
            aws.patched_environ() if aws else patch.dict(os.environ, {"AWS_REGION": "us-east-1"}),
            patch.dict(os.environ, {"COLUMNS": "300", "NO_COLOR": "1"}),
            redirect_stdout(out),
            redirect_stderr(err),
        ):
            code = main(["class", *args])
    finally:
        os.chdir(cwd)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalAws, Path, Run]]:
    folder = tmp_path_factory.mktemp("class")
    with LocalAws() as aws:
        run = labkit(aws, folder, "learner-account", "alice", "--external-id", "class-1r", "--roster", ROSTER)
        yield aws, folder, run


# the real CDK CLI bootstraps the account and deploys the stack: half a minute, for `make e2e`
@pytest.mark.e2e
def test_it_makes_an_account_with_the_teacher_role_and_writes_its_roster_line(
    made: tuple[LocalAws, Path, Run],
) -> None:
    _aws, folder, run = made
    roster = (folder / "r.txt").read_text(encoding="utf-8").splitlines()

    assert run.returncode == 0, run.stdout + run.stderr
    assert roster[0] == "role=LabkitTeacher external-id=class-1r"
    owner, account = roster[1].split()
    assert owner == "alice"
    assert f"arn:aws:iam::{account}:role/LabkitTeacher" in run.stdout
    assert "(trusting arn:aws:iam::123456789012:user/moto)" in run.stdout
    exports = (folder / ".labkit" / "learners" / "alice.env").read_text(encoding="utf-8")
    assert "export AWS_SESSION_TOKEN=" in exports
    assert "export AWS_ENDPOINT_URL=" in exports
    assert "As alice: source .labkit/learners/alice.env, then cdk deploy <Lab> -c owner=alice" in run.stdout


@pytest.mark.e2e
def test_the_class_reaches_the_account_with_the_class_s_external_id_only(
    made: tuple[LocalAws, Path, Run],
) -> None:
    aws, folder, _run = made
    (folder / "wrong.txt").write_text(
        (folder / "r.txt").read_text(encoding="utf-8").replace("class-1r", "class-1q"), encoding="utf-8"
    )

    reached = labkit(aws, folder, "status", "--roster", "r.txt")
    refused = labkit(aws, folder, "status", "--roster", "wrong.txt")
    anonymous = labkit(aws, folder, "status", "--roster", "r.txt", "--no-source-identity")

    assert reached.returncode == 0, reached.stdout + reached.stderr
    assert "On the roster with nothing deployed (1): alice" in reached.stdout
    assert refused.returncode == 1
    assert "alice: role arn:aws:iam::" in refused.stdout
    assert "cannot be assumed (AccessDenied" in refused.stdout
    assert anonymous.returncode == 1  # the role requires the teacher to name themselves
    assert "cannot be assumed (AccessDenied" in anonymous.stdout


def test_a_second_call_appends_its_learners_to_the_roster(tmp_path: Path) -> None:
    first = [LearnerAccount(owner="alice", account="111111111111", access_role_arn="", teacher_role_arn="")]
    second = [LearnerAccount(owner="bob", account="222222222222", access_role_arn="", teacher_role_arn="")]
    path = tmp_path / ROSTER

    append_roster(path, roster_text(first, external_id="class-1r"))
    append_roster(path, roster_text(second, external_id="class-1r"))

    assert path.read_text(encoding="utf-8") == (
        "role=LabkitTeacher external-id=class-1r\nalice 111111111111\nbob 222222222222\n"
    )


def test_it_refuses_a_real_aws_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "LABKIT_EMULATOR"):
        monkeypatch.delenv(name, raising=False)

    refused = labkit(None, tmp_path, "learner-account", "alice")

    assert refused.returncode == 2
    assert "only on the emulator" in refused.stderr
    assert "deploy LabkitTeacherAccess into each learner account" in refused.stderr
