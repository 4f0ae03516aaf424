"""`labkit class learner-account`: an emulator account per learner with the teacher-access stack in it, its
roster line and the learner's exports; the class then reaches it only with the class's external id."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest

from labs.classroom.rehearsal import LearnerAccount, write_private
from labs.classroom.roster import read_roster
from labs.classroom.roster_append import append_roster
from labs.cli import main
from labs.teacher_access.facts import TeacherAccessSettings
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
    settings = TeacherAccessSettings(principals=(), external_id="class-1r")

    append_roster(path, first, settings)
    append_roster(path, second, settings)

    assert path.read_text(encoding="utf-8") == (
        "role=LabkitTeacher external-id=class-1r\nalice 111111111111\nbob 222222222222\n"
    )


ACCOUNTS = {"vic": "222222222222", "wes": "246496988659", "alice": "333333333333", "bob": "444444444444"}


@pytest.fixture
def made_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """learner-account on a stand-in emulator: the owners whose accounts were made (none when refused)."""
    from labs.classroom import command, rehearsal

    made: list[str] = []

    def make(_session: object, owners: list[str], *, env_dir: Path, **_: object) -> list[Any]:
        made.extend(owners)
        return [
            (LearnerAccount(owner=o, account=ACCOUNTS[o], access_role_arn="", teacher_role_arn=""), env_dir)
            for o in owners
        ]

    def settings(_session: object, principals: list[str], external_id: str | None) -> TeacherAccessSettings:
        return TeacherAccessSettings(
            principals=tuple(principals), external_id=external_id or "labkit-rehearsal"
        )

    monkeypatch.setattr(command, "on_emulator", lambda *_: True)
    monkeypatch.setattr(rehearsal, "teacher_settings", settings)
    monkeypatch.setattr(rehearsal, "make_learner_accounts", make)
    return made


def test_a_roster_with_other_settings_gets_the_learner_s_own_on_the_line(
    tmp_path: Path, made_here: list[str]
) -> None:
    path = tmp_path / "m.txt"
    path.write_text("role=OtherRole external-id=other-class\nann 111111111111\n", encoding="utf-8")

    run = labkit(
        None, tmp_path, "learner-account", "vic", "--external-id", "class-1b-2026", "--roster", "m.txt"
    )

    assert run.returncode == 0, run.stdout + run.stderr
    line = "vic 222222222222 role=LabkitTeacher external-id=class-1b-2026"
    assert path.read_text(encoding="utf-8").splitlines() == [
        "role=OtherRole external-id=other-class",
        "ann 111111111111",
        line,
    ]
    assert f"Roster lines:\n{line}" in run.stdout  # what was appended, not a settings line the file lacks
    vic = read_roster(path).learner("vic").placement
    assert (vic.role_arn, vic.external_id) == (
        "arn:aws:iam::222222222222:role/LabkitTeacher",
        "class-1b-2026",
    )


def test_a_csv_roster_gets_a_row_in_its_own_columns_or_a_refusal(
    tmp_path: Path, made_here: list[str]
) -> None:
    narrow = tmp_path / "c.csv"
    narrow.write_text("owner,account\ncarol,\n", encoding="utf-8")
    wide = tmp_path / "w.csv"
    wide.write_text("external-id,owner,account,role\n,carol,,\n", encoding="utf-8")

    refused = labkit(
        None, tmp_path, "learner-account", "wes", "--external-id", "class-1b", "--roster", "c.csv"
    )
    added = labkit(None, tmp_path, "learner-account", "wes", "--external-id", "class-1b", "--roster", "w.csv")

    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith(
        "labkit class learner-account: c.csv has no role or external-id column (owner,account), which a row "
        "needs to be reached with role LabkitTeacher and external id class-1b"
    )
    assert narrow.read_text(encoding="utf-8") == "owner,account\ncarol,\n"
    assert added.returncode == 0, added.stdout + added.stderr
    assert wide.read_text(encoding="utf-8").splitlines()[-1] == "class-1b,wes,246496988659,LabkitTeacher"
    assert read_roster(wide).learner("wes").placement.external_id == "class-1b"
    assert made_here == ["wes"]  # the refusal came before any account was made


def test_an_owner_on_the_roster_already_is_refused_before_anything_is_made(
    tmp_path: Path, made_here: list[str]
) -> None:
    path = tmp_path / ROSTER
    text = "role=LabkitTeacher external-id=class-1r\nalice 111111111111\n"
    path.write_text(text, encoding="utf-8")

    again = labkit(
        None, tmp_path, "learner-account", "bob", "alice", "--external-id", "class-1r", "--roster", ROSTER
    )

    assert again.returncode == 2
    assert again.stderr == (
        f"labkit class learner-account: alice is already on line 2 of {ROSTER}: nothing was made; delete "
        "that line to give alice a new account, or name another owner\n"
    )
    assert made_here == []
    assert path.read_text(encoding="utf-8") == text


def test_a_roster_without_a_last_newline_gets_the_learner_on_a_line_of_its_own(
    tmp_path: Path, made_here: list[str]
) -> None:
    path = tmp_path / ROSTER
    path.write_text("role=LabkitTeacher external-id=class-1r\nalice 111111111111", encoding="utf-8")

    run = labkit(None, tmp_path, "learner-account", "bob", "--external-id", "class-1r", "--roster", ROSTER)

    assert run.returncode == 0, run.stdout + run.stderr
    assert path.read_text(encoding="utf-8").splitlines()[1:] == ["alice 111111111111", "bob 444444444444"]
    assert read_roster(path).owners == ("alice", "bob")


def test_a_learner_s_exports_are_readable_by_the_teacher_alone(tmp_path: Path) -> None:
    path = tmp_path / "alice.env"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o644)  # an earlier kit's file
    old_mask = os.umask(0o022)
    try:
        write_private(path, "export AWS_SECRET_ACCESS_KEY=secret\n")
        write_private(tmp_path / "bob.env", "export AWS_SESSION_TOKEN=token\n")
    finally:
        os.umask(old_mask)

    assert stat.filemode(path.stat().st_mode) == "-rw-------"
    assert stat.filemode((tmp_path / "bob.env").stat().st_mode) == "-rw-------"
    assert path.read_text(encoding="utf-8") == "export AWS_SECRET_ACCESS_KEY=secret\n"


def test_it_refuses_a_real_aws_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "LABKIT_EMULATOR"):
        monkeypatch.delenv(name, raising=False)

    refused = labkit(None, tmp_path, "learner-account", "alice")

    assert refused.returncode == 2
    assert "only on the emulator" in refused.stderr
    assert "deploy LabkitTeacherAccess into each learner account" in refused.stderr
