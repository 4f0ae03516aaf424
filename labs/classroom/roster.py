"""A class roster: owner ids, one a line, or a CSV with a column that holds them (validated as -c owner= is).

A learner may work in an account of their own: the line names it (`alice 111111111111`, or an `account`
column), with the role the teacher assumes there (`role=`: a name in that account, or an ARN, whose account
is the line's when the line names none), the class's `sts:ExternalId` (`external-id=`), the region
(`region=`) and the learner's spend cap in USD per hour (`cap=`). A line of settings alone
(`role=LabkitTeacher cap=0.50`) sets the class's defaults for the lines after it. `#` starts a comment,
on a line of its own or after a line's words. Every bad line is reported at once, by its line number.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

from labs.regions import region_problem
from labs.settings import SettingsError, parse_owner
from labs.teacher_access.facts import EXTERNAL_ID

DEFAULT_OWNER_COLUMN = "owner"
# the CSV columns that carry the same settings as a text line's key=value words
SETTING_COLUMNS = ("account", "role", "region", "cap", "external-id")
_ACCOUNT = re.compile(r"^\d{12}$")
# IAM role names: 1-64 of [\w+=,.@-]; an ARN names a role in any account and partition
_ROLE = re.compile(r"^(arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}|[\w+=,.@-]{1,64})$")
_ROLE_ARN_ACCOUNT = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


class RosterError(ValueError):
    """A roster the kit cannot use; the message names the file and each bad line."""


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where a learner works: an account and the role to assume there (none: the teacher's own account),
    the class's external id for that role, the region (none: the teacher's), and the spend cap in USD per
    hour (none: no cap)."""

    account: str | None = None
    role: str | None = None
    region: str | None = None
    cap_usd_per_hour: float | None = None
    external_id: str | None = None

    def merged(self, defaults: Placement) -> Placement:
        """These settings, each one missing taken from `defaults`."""
        return Placement(
            account=self.account or defaults.account,
            role=self.role or defaults.role,
            region=self.region or defaults.region,
            cap_usd_per_hour=self.cap_usd_per_hour
            if self.cap_usd_per_hour is not None
            else defaults.cap_usd_per_hour,
            external_id=self.external_id or defaults.external_id,
        )

    @property
    def role_arn(self) -> str | None:
        """The role to assume: an ARN as given, or a role name in the learner's account."""
        if self.account is None or self.role is None:
            return None
        return self.role if self.role.startswith("arn:") else f"arn:aws:iam::{self.account}:role/{self.role}"


@dataclass(frozen=True)
class Learner:
    """One learner on the roster, with the line it came from and where its labs run."""

    owner: str
    line: int
    placement: Placement = Placement()


@dataclass(frozen=True)
class Roster:
    """The learners of a class, read from a roster file."""

    path: Path
    learners: tuple[Learner, ...]

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(learner.owner for learner in self.learners)

    def learner(self, owner: str) -> Learner:
        """The learner of that owner."""
        return next(learner for learner in self.learners if learner.owner == owner)

    @property
    def across_accounts(self) -> bool:
        """Some learner works in an account of their own (reached through a role)."""
        return any(learner.placement.account for learner in self.learners)

    def __len__(self) -> int:
        return len(self.learners)

    def __contains__(self, owner: object) -> bool:
        return owner in self.owners


def read_roster(
    path: Path, *, owner_column: str = DEFAULT_OWNER_COLUMN, defaults: Placement = Placement()
) -> Roster:
    """The roster at `path`: a CSV (a .csv name, or a first line with a comma) or one owner id a line.

    `defaults` (the command's --role, --region, --cap) fill what a line leaves out; a roster's own
    settings line wins over them for the lines after it.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RosterError(f"cannot read the roster {path}: {error}") from None
    try:
        # utf-8-sig: spreadsheets save CSV files with a byte order mark; "Unicode text" is UTF-16
        text = data.decode("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            f'the roster {path} is not UTF-8 text: save it as "CSV UTF-8" (or plain text) and try again'
        ) from None
    return roster_from_text(path, text, owner_column=owner_column, defaults=defaults)


def roster_from_text(
    path: Path,
    text: str,
    *,
    owner_column: str = DEFAULT_OWNER_COLUMN,
    defaults: Placement = Placement(),
    allow_empty: bool = False,
) -> Roster:
    """The roster `text` would be at `path` (read_roster without the read); `allow_empty`: a roster of
    settings alone, or a CSV header alone, names no learner yet."""
    is_csv = is_csv_roster(path, text)
    entries = _csv_entries(path, text, owner_column) if is_csv else _line_entries(text)
    return Roster(path, _validated(path, entries, defaults, allow_empty=allow_empty))


def is_csv_roster(path: Path, text: str) -> bool:
    """Is the roster a CSV (a .csv name, or a first line with a comma), not one owner id a line?"""
    first = next((line for line in text.splitlines() if _meaningful(line)), "")
    return path.suffix.lower() == ".csv" or ((_delimiter(first) in first) and "=" not in first)


def _delimiter(first: str) -> str:
    """`;` for a spreadsheet that saves CSV with semicolons (a decimal comma's locale), else `,`."""
    return ";" if ";" in first and "," not in first else ","


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _without_comment(line: str) -> str:
    # no owner id, role, region, account or external id holds a `#`: what follows one is a comment
    return line.split("#", 1)[0]


# (line number, owner text or None for a settings line, settings by name, words that are neither)
Entry = tuple[int, str | None, dict[str, str], list[str]]


def _line_entries(text: str) -> list[Entry]:
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not _meaningful(line):
            continue
        words = _without_comment(line).split()
        owner = None if "=" in words[0] else words[0]
        settings: dict[str, str] = {}
        stray: list[str] = []
        for word in words[1:] if owner is not None else words:
            key, sep, value = word.partition("=")
            if sep:
                settings[key.lower()] = value
            elif _ACCOUNT.match(word) and "account" not in settings:
                settings["account"] = word
            else:
                stray.append(word)
        entries.append((number, owner, settings, stray))
    return entries


def _csv_entries(path: Path, text: str, owner_column: str) -> list[Entry]:
    first = next((line for line in text.splitlines() if _meaningful(line)), "")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    header: list[str] | None = None
    entries: list[Entry] = []
    column = -1
    settings_at: dict[str, int] = {}
    for row in reader:
        if not any(cell.strip() for cell in row) or row[0].strip().startswith("#"):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            names = [cell.lower() for cell in header]
            if owner_column.lower() not in names:
                raise RosterError(
                    f"{path}, line {reader.line_num}: no {owner_column!r} column in the header "
                    f"({', '.join(repr(cell) for cell in header)}): name the column that holds the "
                    "owner ids with --owner-column"
                )
            column = names.index(owner_column.lower())
            settings_at = {name: names.index(name) for name in SETTING_COLUMNS if name in names}
            continue
        cells = {
            name: row[at].strip() for name, at in settings_at.items() if at < len(row) and row[at].strip()
        }
        entries.append((reader.line_num, row[column].strip() if column < len(row) else "", cells, []))
    return entries


def _placement(settings: dict[str, str]) -> Placement:
    """The settings of one line as a placement; raises ValueError naming the first bad one."""
    unknown = sorted(set(settings) - set(SETTING_COLUMNS))
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]}=: a line takes {', '.join(SETTING_COLUMNS)}")
    account, role, region = settings.get("account"), settings.get("role"), settings.get("region")
    external_id = settings.get("external-id")
    if account is not None and not _ACCOUNT.match(account):
        raise ValueError(f"account={account!r} is not a 12-digit account id")
    if role is not None and not _ROLE.match(role):
        raise ValueError(f"role={role!r} is neither an IAM role name nor a role ARN")
    if region is not None and not _REGION.match(region):
        raise ValueError(f"region={region!r} is not a region name (for example eu-west-1)")
    if region is not None and (problem := region_problem(region)):
        raise ValueError(f"region={problem}")
    if external_id is not None and not EXTERNAL_ID.match(external_id):
        raise ValueError(
            f"external-id={external_id!r} is not an sts:ExternalId (2-1224 letters, digits and _+=,.@:/-)"
        )
    cap = None
    if "cap" in settings:
        try:
            cap = float(settings["cap"])
        except ValueError:
            cap = -1.0
        if not 0 <= cap < math.inf:  # nan and inf too: a cap of inf would never trip
            raise ValueError(f"cap={settings['cap']!r} is not a spend in USD per hour (for example cap=0.50)")
    return Placement(account=account, role=role, region=region, cap_usd_per_hour=cap, external_id=external_id)


def role_account(role: str | None) -> str | None:
    """The account a role ARN names, None for a role name (or no role)."""
    match = _ROLE_ARN_ACCOUNT.match(role or "")
    return match.group(1) if match else None


def _in_the_role_s_account(placement: Placement) -> Placement:
    """A role ARN on a line without an account places the learner in the ARN's account."""
    arn_account = role_account(placement.role)
    if placement.account is None and arn_account is not None:
        return replace(placement, account=arn_account)
    return placement


def _validated(
    path: Path, entries: list[Entry], defaults: Placement, *, allow_empty: bool = False
) -> tuple[Learner, ...]:
    problems: list[str] = []
    learners: list[Learner] = []
    first_seen: dict[str, int] = {}
    for number, value, settings, stray in entries:
        if stray:
            problems.append(
                f"line {number}: {' '.join([value or '', *stray]).strip()!r}: after the owner id a line "
                "takes an account id (12 digits) and role=, region=, cap=, external-id= settings"
            )
            continue
        try:
            placement = _placement(settings)
        except ValueError as error:
            problems.append(f"line {number}: {error}")
            continue
        if value is None:  # a settings line: the class's defaults from here on
            defaults = placement.merged(defaults)
            continue
        try:
            owner = parse_owner(value)
        except SettingsError as error:
            problems.append(f"line {number}: {error}")
            continue
        placement = _in_the_role_s_account(placement.merged(defaults))
        arn_account = role_account(placement.role)
        if owner is None:
            problems.append(f"line {number}: no owner id")
        elif owner in first_seen:
            problems.append(f"line {number}: {owner} is already on line {first_seen[owner]}")
        elif arn_account is not None and arn_account != placement.account:
            problems.append(
                f"line {number}: {owner} works in account {placement.account}, but the role "
                f"{placement.role} is in account {arn_account}: the class would act in the wrong account; "
                f"name a role of {placement.account} (role=NAME, or its ARN in {placement.account})"
            )
        elif placement.account and not placement.role:
            problems.append(
                f"line {number}: {owner} works in account {placement.account} but no role is named to "
                "reach it: add role=NAME to the line, a `role=NAME` line above it, or --role NAME"
            )
        else:
            first_seen[owner] = number
            learners.append(Learner(owner, number, placement))
    if problems:
        lines = "\n".join(f"  {problem}" for problem in problems)
        raise RosterError(f"the roster {path} has {len(problems)} bad line(s):\n{lines}")
    if not learners and not allow_empty:
        raise RosterError(f"the roster {path} names no learner: write one owner id a line")
    return tuple(learners)
