"""Cells into CSV bytes and back (csv_writer.csv_format): RFC 4180, no BOM, spreadsheet safety."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from csv_writer.cells import render_cell, render_plain
from csv_writer.csv_format import FORMULA_TRIGGERS, build_csv, neutralize, read_csv, restore_cell

from .conftest import any_text


def test_csv_is_rfc4180_utf8_and_empty_cells_for_missing_attributes() -> None:
    body = build_csv(
        ["userId", "name", "note"],
        [{"userId": "u1", "name": 'Grace "Amazing" Hopper, RADM', "note": "a\nb"}, {"userId": "u2"}],
    )
    assert not body.startswith(b"\xef\xbb\xbf")  # no BOM: plain csv readers see "userId" as is
    assert body == (b'userId,name,note\r\nu1,"Grace ""Amazing"" Hopper, RADM","a\nb"\r\nu2,,\r\n')
    assert read_csv(body) == [
        {"userId": "u1", "name": 'Grace "Amazing" Hopper, RADM', "note": "a\nb"},
        {"userId": "u2", "name": "", "note": ""},
    ]


def test_header_cells_are_neutralized_too() -> None:
    body = build_csv(["=evil", "-x"], [{"=evil": "1", "-x": "2"}])
    assert body.decode("utf-8").splitlines()[0] == "'=evil,'-x"
    assert read_csv(body, restore=True) == [{"=evil": "1", "-x": "2"}]


@given(st.lists(st.tuples(any_text, any_text), min_size=1, max_size=5))
@settings(max_examples=150)
def test_any_text_round_trips_through_the_csv_and_never_starts_a_formula(
    pairs: list[tuple[str, str]],
) -> None:
    rows = [{"a": render_cell({"S": first}), "b": render_cell({"S": second})} for first, second in pairs]
    body = build_csv(["a", "b"], rows)
    parsed = read_csv(body)
    assert len(parsed) == len(pairs)
    for row, (first, second) in zip(parsed, pairs, strict=True):
        for cell, original in ((row["a"], first), (row["b"], second)):
            assert cell[:1] not in FORMULA_TRIGGERS - {"'"}
            assert restore_cell(cell) == original


@given(any_text)
def test_neutralize_is_reversible(text: str) -> None:
    assert restore_cell(neutralize(text)) == text


def test_rows_with_keys_outside_the_columns_still_fill_every_column() -> None:
    body = build_csv(["a", "b"], [{"a": "1", "c": "x"}, {"a": "2", "b": "3"}])
    assert read_csv(body) == [{"a": "1", "b": ""}, {"a": "2", "b": "3"}]


def test_a_lone_surrogate_from_a_json_escape_stays_visible_instead_of_failing() -> None:
    body = build_csv(["name"], [{"name": render_plain(json.loads('"a\\ud800b"'))}])
    assert read_csv(body) == [{"name": "a\\ud800b"}]
