"""`labkit class learner-account --roster FILE`: the learners' lines added to a roster the class then reads
as meant, or a one-line refusal before any account is made.

What is appended is read back with the roster's own reader (labs.classroom.roster) before it is written: a
new learner must be reached in their account with the teacher-access role and the class's external id,
whatever settings lines the file holds. A text roster takes the settings on the learner's line when the
file's differ; a CSV takes a row in its own columns. An owner already on the roster is refused: a second
account and a duplicate line would stop every class command ("line 4: alice is already on line 2").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from labs.classroom.rehearsal import LearnerAccount, RehearsalError, roster_text
from labs.classroom.roster import (
    DEFAULT_OWNER_COLUMN,
    Placement,
    Roster,
    RosterError,
    is_csv_roster,
    roster_from_text,
)
from labs.teacher_access.facts import TeacherAccessSettings

# an account id for a check before the accounts exist: the same length as any
_NOT_YET = "000000000000"


def check_roster(path: Path, owners: Sequence[str], settings: TeacherAccessSettings) -> None:
    """Raise RehearsalError, in one line, when these owners' lines could not be added to the roster at
    `path` as meant (an owner on it already, columns that cannot carry the settings): before anything is
    made."""
    roster_addition(
        path,
        [LearnerAccount(owner=o, account=_NOT_YET, access_role_arn="", teacher_role_arn="") for o in owners],
        settings,
    )


def append_roster(path: Path, accounts: Sequence[LearnerAccount], settings: TeacherAccessSettings) -> str:
    """The accounts' lines at the end of the roster at `path` (a new file gets a settings line first); the
    text appended."""
    addition = roster_addition(path, accounts, settings)
    with path.open("a", encoding="utf-8", newline="") as roster:
        roster.write(addition)
    return addition


def roster_addition(path: Path, accounts: Sequence[LearnerAccount], settings: TeacherAccessSettings) -> str:
    """The text that adds these accounts to the roster at `path` so that each is reached with `settings`'
    role and external id; RehearsalError when it cannot be."""
    role, external_id = settings.role_name, settings.external_id
    text = _read(path)
    if not text.strip():
        return roster_text(list(accounts), external_id=external_id, role_name=role)
    try:
        existing = roster_from_text(path, text, allow_empty=True)
    except RosterError as error:
        first = str(error).splitlines()[-1].strip()
        raise RehearsalError(
            f"{path} is not a roster to add to ({first}): fix it, or pass another --roster"
        ) from None
    for made in accounts:
        if made.owner in existing:
            line = existing.learner(made.owner).line
            raise RehearsalError(
                f"{made.owner} is already on line {line} of {path}: nothing was made; delete that line to "
                f"give {made.owner} a new account, or name another owner"
            )
    lead = "" if text.endswith("\n") else _newline(text)
    build = _csv_rows if is_csv_roster(path, text) else _text_lines
    addition = lead + build(path, text, accounts, None)
    if not _reached_as_meant(path, text + addition, accounts, settings):
        addition = lead + build(path, text, accounts, settings)
    return addition


def _read(path: Path) -> str:
    if not path.exists():
        return ""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RehearsalError(f"cannot read the roster {path}: {error}") from None


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _reached_as_meant(
    path: Path, text: str, accounts: Sequence[LearnerAccount], settings: TeacherAccessSettings
) -> bool:
    """Would the class read each new learner in their account, with the role and the external id?"""
    try:
        roster = roster_from_text(path, text)
    except RosterError:
        return False
    return all(_as_meant(roster, made, settings) for made in accounts)


def _as_meant(roster: Roster, made: LearnerAccount, settings: TeacherAccessSettings) -> bool:
    placement: Placement = roster.learner(made.owner).placement
    wanted = f"arn:aws:iam::{made.account}:role/{settings.role_name}"
    return (
        placement.account == made.account
        and placement.role_arn == wanted
        and placement.external_id == settings.external_id
    )


def _text_lines(
    _path: Path, text: str, accounts: Sequence[LearnerAccount], settings: TeacherAccessSettings | None
) -> str:
    own = f" role={settings.role_name} external-id={settings.external_id}" if settings else ""
    return "".join(f"{made.owner} {made.account}{own}{_newline(text)}" for made in accounts)


def _csv_rows(
    path: Path, text: str, accounts: Sequence[LearnerAccount], settings: TeacherAccessSettings | None
) -> str:
    header = next(
        (
            row
            for row in csv.reader(io.StringIO(text))
            if any(c.strip() for c in row) and not row[0].startswith("#")
        ),
        [],
    )
    names = [cell.strip().lower() for cell in header]
    needed = ["account"] + (["role", "external-id"] if settings else [])
    missing = [name for name in needed if name not in names]
    if missing:
        reach = (
            f", which a row needs to be reached with role {settings.role_name} and external id "
            f"{settings.external_id}"
            if settings
            else ""
        )
        raise RehearsalError(
            f"{path} has no {' or '.join(missing)} column ({','.join(header)}){reach}: add "
            f"{' and '.join(missing)} to its header, or pass another --roster"
        )
    output = io.StringIO()
    writer = csv.writer(output, lineterminator=_newline(text))
    for made in accounts:
        values = {DEFAULT_OWNER_COLUMN: made.owner, "account": made.account}
        if settings is not None:
            values |= {"role": settings.role_name, "external-id": settings.external_id}
        writer.writerow([values.get(name, "") for name in names])
    return output.getvalue()
