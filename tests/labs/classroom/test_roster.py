"""A roster as a teacher writes it: a list of owner ids or a spreadsheet's CSV; every bad line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from labs.classroom.roster import RosterError, read_roster


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_one_owner_a_line_skips_blank_lines_and_comments(tmp_path: Path) -> None:
    roster = read_roster(write(tmp_path, "class.txt", "# group A\nalice\n\n  bob  \n# late\ncarol-2\n"))

    assert roster.owners == ("alice", "bob", "carol-2")
    assert [learner.line for learner in roster.learners] == [2, 4, 6]
    assert "bob" in roster
    assert len(roster) == 3


def test_a_spreadsheet_csv_reads_the_owner_column_whatever_its_case_and_position(tmp_path: Path) -> None:
    text = '\ufeffName,Email,Owner\n"Martin, Alice",alice@example.org,alice\nBob Li,bob@example.org,bob\n,,\n'

    roster = read_roster(write(tmp_path, "class.csv", text))

    assert roster.owners == ("alice", "bob")
    assert [learner.line for learner in roster.learners] == [2, 3]


def test_another_column_can_hold_the_owner_ids(tmp_path: Path) -> None:
    roster = read_roster(write(tmp_path, "class.txt", "login,name\nalice,Alice\n"), owner_column="login")

    assert roster.owners == ("alice",)


def test_every_bad_line_is_named_at_once_with_what_is_wrong(tmp_path: Path) -> None:
    path = write(tmp_path, "class.txt", "alice\nAlice\nbob smith\nalice\nb_o_b\n")

    with pytest.raises(RosterError) as error:
        read_roster(path)

    message = str(error.value)
    assert message.startswith(f"the roster {path} has 4 bad line(s):")
    assert "line 2: owner='Alice' cannot prefix stack names" in message
    assert "line 3: 'bob smith': after the owner id a line takes an account id" in message
    assert "line 4: alice is already on line 1" in message
    assert "line 5: owner='b_o_b'" in message


def test_a_csv_row_without_an_owner_is_a_bad_line(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match=r"line 3: no owner id"):
        read_roster(write(tmp_path, "class.csv", "owner,name\nalice,Alice\n,Bob\n"))


def test_a_csv_without_the_owner_column_lists_the_columns_it_has(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match=r"line 1: no 'owner' column in the header \('name', 'email'\)"):
        read_roster(write(tmp_path, "class.csv", "name,email\nAlice,alice@example.org\n"))


def test_an_empty_roster_and_a_missing_file_are_errors(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match=r"names no learner"):
        read_roster(write(tmp_path, "class.txt", "# nobody yet\n\n"))
    with pytest.raises(RosterError, match=r"cannot read the roster .*missing.txt"):
        read_roster(tmp_path / "missing.txt")
