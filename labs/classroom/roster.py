"""A class roster: owner ids, one a line, or a CSV with a column that holds them (validated as -c owner= is).

Every bad line is reported at once, by its line number, so a teacher fixes the file in one pass.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from labs.settings import SettingsError, parse_owner

DEFAULT_OWNER_COLUMN = "owner"


class RosterError(ValueError):
    """A roster the kit cannot use; the message names the file and each bad line."""


@dataclass(frozen=True)
class Learner:
    owner: str
    line: int


@dataclass(frozen=True)
class Roster:
    path: Path
    learners: tuple[Learner, ...]

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(learner.owner for learner in self.learners)

    def __len__(self) -> int:
        return len(self.learners)

    def __contains__(self, owner: object) -> bool:
        return owner in self.owners


def read_roster(path: Path, *, owner_column: str = DEFAULT_OWNER_COLUMN) -> Roster:
    """The roster at `path`: a CSV (a .csv name, or a first line with a comma) or one owner id a line."""
    try:
        # utf-8-sig: spreadsheets save CSV files with a byte order mark
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(f"cannot read the roster {path}: {error}") from None
    first = next((line for line in text.splitlines() if _meaningful(line)), "")
    is_csv = path.suffix.lower() == ".csv" or "," in first
    entries = _csv_entries(path, text, owner_column) if is_csv else _line_entries(text)
    return Roster(path, _validated(path, entries))


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _line_entries(text: str) -> list[tuple[int, str]]:
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if _meaningful(line)]


def _csv_entries(path: Path, text: str, owner_column: str) -> list[tuple[int, str]]:
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    entries: list[tuple[int, str]] = []
    column = -1
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
            continue
        entries.append((reader.line_num, row[column].strip() if column < len(row) else ""))
    return entries


def _validated(path: Path, entries: list[tuple[int, str]]) -> tuple[Learner, ...]:
    problems: list[str] = []
    learners: list[Learner] = []
    first_seen: dict[str, int] = {}
    for number, value in entries:
        try:
            owner = parse_owner(value)
        except SettingsError as error:
            problems.append(f"line {number}: {error}")
            continue
        if owner is None:
            problems.append(f"line {number}: no owner id")
        elif owner in first_seen:
            problems.append(f"line {number}: {owner} is already on line {first_seen[owner]}")
        else:
            first_seen[owner] = number
            learners.append(Learner(owner, number))
    if problems:
        lines = "\n".join(f"  {problem}" for problem in problems)
        raise RosterError(f"the roster {path} has {len(problems)} bad line(s):\n{lines}")
    if not learners:
        raise RosterError(f"the roster {path} names no learner: write one owner id a line")
    return tuple(learners)
