"""A roster as a teacher writes it: a list of owner ids or a spreadsheet's CSV; every bad line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from labs.classroom.roster import Placement, RosterError, read_roster


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


def test_a_line_may_name_the_learner_s_account_role_region_and_cap(tmp_path: Path) -> None:
    text = (
        "# one account per learner\n"
        "role=LabkitTeacher cap=0.50\n"
        "alice 111111111111\n"
        "bob 222222222222 role=arn:aws:iam::222222222222:role/Other region=eu-west-1 cap=0.1\n"
        "carol\n"
    )

    roster = read_roster(write(tmp_path, "class.txt", text))

    alice, bob, carol = (learner.placement for learner in roster.learners)
    assert (alice.account, alice.role_arn, alice.region, alice.cap_usd_per_hour) == (
        "111111111111",
        "arn:aws:iam::111111111111:role/LabkitTeacher",
        None,
        0.5,
    )
    assert (bob.role_arn, bob.region, bob.cap_usd_per_hour) == (
        "arn:aws:iam::222222222222:role/Other",
        "eu-west-1",
        0.1,
    )
    assert (carol.account, carol.role_arn, carol.cap_usd_per_hour) == (None, None, 0.5)  # the shared account
    assert roster.across_accounts


def test_a_csv_may_carry_account_role_region_and_cap_columns_and_flags_fill_the_rest(tmp_path: Path) -> None:
    text = "owner,account,cap\nalice,111111111111,\nbob,,0.2\n"

    roster = read_roster(
        write(tmp_path, "class.csv", text), defaults=Placement(role="FromTheFlag", cap_usd_per_hour=1.0)
    )

    alice, bob = (learner.placement for learner in roster.learners)
    assert alice.role_arn == "arn:aws:iam::111111111111:role/FromTheFlag"
    assert alice.cap_usd_per_hour == 1.0
    assert (bob.account, bob.cap_usd_per_hour) == (None, 0.2)


def test_shared_account_rosters_stay_in_the_teacher_s_account(tmp_path: Path) -> None:
    roster = read_roster(write(tmp_path, "class.txt", "alice\nbob\n"))

    assert not roster.across_accounts
    assert all(learner.placement == Placement() for learner in roster.learners)


def test_bad_accounts_roles_regions_and_caps_are_named_by_line(tmp_path: Path) -> None:
    text = (
        "alice 111111111111\n"
        "bob account=12345 role=R\n"
        "carol 333333333333 role=bad/role name\n"
        "dave region=mars cap=-1\n"
        "erin cap=lots\n"
        "fred colour=blue\n"
    )

    with pytest.raises(RosterError) as error:
        read_roster(write(tmp_path, "class.txt", text))

    message = str(error.value)
    assert "line 1: alice works in account 111111111111 but no role is named to reach it" in message
    assert "line 2: account='12345' is not a 12-digit account id" in message
    assert "line 3: 'carol name': after the owner id" in message
    assert "line 4: region='mars' is not a region name" in message
    assert "line 5: cap='lots' is not a spend in USD per hour" in message
    assert "line 6: unknown setting colour=" in message


def test_a_comment_may_end_a_line(tmp_path: Path) -> None:
    text = (
        "role=LabkitTeacher cap=0.50   # every learner account's role; each learner's cap\n"
        "alice 111111111111            # alice's sandbox\n"
        "carol#no space before the comment\n"
    )

    roster = read_roster(write(tmp_path, "class.txt", text))

    assert roster.owners == ("alice", "carol")
    assert roster.learner("alice").placement.role_arn == "arn:aws:iam::111111111111:role/LabkitTeacher"
    assert roster.learner("alice").placement.cap_usd_per_hour == 0.5


def test_a_role_arn_without_an_account_places_the_learner_in_the_role_s_account(tmp_path: Path) -> None:
    roster = read_roster(write(tmp_path, "class.txt", "bob role=arn:aws:iam::222222222222:role/X\n"))

    bob = roster.learner("bob").placement
    assert (bob.account, bob.role_arn) == ("222222222222", "arn:aws:iam::222222222222:role/X")
    assert roster.across_accounts


def test_a_role_arn_in_another_account_than_the_line_s_is_a_bad_line(tmp_path: Path) -> None:
    text = (
        "role=arn:aws:iam::999999999999:role/Teacher\n"
        "alice 111111111111\n"
        "bob 222222222222 role=arn:aws:iam::333333333333:role/LabkitTeacher\n"
        "carol 444444444444 role=arn:aws:iam::444444444444:role/LabkitTeacher\n"
    )

    with pytest.raises(RosterError) as error:
        read_roster(write(tmp_path, "class.txt", text))

    message = str(error.value)
    assert "has 2 bad line(s)" in message
    assert (
        "line 2: alice works in account 111111111111, but the role arn:aws:iam::999999999999:role/Teacher "
        "is in account 999999999999: the class would act in the wrong account" in message
    )
    assert "line 3: bob works in account 222222222222, but the role" in message


def test_a_class_external_id_is_read_from_a_settings_line_a_line_or_a_csv_column(tmp_path: Path) -> None:
    text = (
        "role=LabkitTeacher external-id=class-1b-2026\nalice 111111111111\nbob 222222222222 external-id=own\n"
    )
    roster = read_roster(write(tmp_path, "class.txt", text))

    assert roster.learner("alice").placement.external_id == "class-1b-2026"
    assert roster.learner("bob").placement.external_id == "own"

    csv_roster = read_roster(
        write(tmp_path, "class.csv", "owner,account,external-id\nalice,111111111111,class-1b\n"),
        defaults=Placement(role="LabkitTeacher"),
    )
    assert csv_roster.learner("alice").placement.external_id == "class-1b"

    with pytest.raises(RosterError, match=r"line 1: external-id='x' is not an sts:ExternalId"):
        read_roster(write(tmp_path, "bad.txt", "alice 111111111111 role=R external-id=x\n"))


@pytest.mark.parametrize("cap", ["inf", "nan", "-0.1", "1e999"])
def test_a_cap_that_could_never_trip_is_a_bad_line(tmp_path: Path, cap: str) -> None:
    with pytest.raises(RosterError) as error:
        read_roster(write(tmp_path, "class.txt", f"alice cap={cap}\n"))

    assert f"line 1: cap={cap!r} is not a spend in USD per hour" in str(error.value)


def test_a_spreadsheet_s_semicolon_csv_and_unicode_text_are_read(tmp_path: Path) -> None:
    semicolons = read_roster(write(tmp_path, "class.csv", "owner;cap\nalice;0.50\nbob;\n"))
    utf16 = tmp_path / "class.txt"
    utf16.write_bytes("alice\nbob\n".encode("utf-16"))  # Excel's "Unicode text": UTF-16 with a BOM

    assert semicolons.owners == ("alice", "bob")
    assert [learner.placement.cap_usd_per_hour for learner in semicolons.learners] == [0.5, None]
    assert read_roster(utf16).owners == ("alice", "bob")


def test_a_roster_in_another_encoding_is_named_with_the_way_out(tmp_path: Path) -> None:
    latin1 = tmp_path / "class.txt"
    latin1.write_bytes("zoë\n".encode("latin-1"))

    with pytest.raises(RosterError) as error:
        read_roster(latin1)

    assert str(error.value) == (
        f'the roster {latin1} is not UTF-8 text: save it as "CSV UTF-8" (or plain text) and try again'
    )
