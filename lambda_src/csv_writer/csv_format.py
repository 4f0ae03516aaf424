"""Cells into the bytes of a CSV file, and back: RFC 4180 (CRLF, quotes only where needed), plain UTF-8.

Spreadsheet safety (OWASP "CSV injection"): a text whose first character is `=`, `+`, `-`, `@`, tab or
carriage return gets a leading `'` from `neutralize`, so the spreadsheet shows it as text instead of running
it. A text that already starts with `'` gets one too, which makes the change exactly reversible:
`restore_cell` drops one leading `'` from any cell. `build_csv` neutralizes the header (attribute names are
user input too); which cells are neutralized is decided in `csv_writer.cells`. `read_csv` parses what
`build_csv` wrote, for the tests and the kit's checks.

The writer's files are change tables (`build_change_csv`, read back by `read_changes`), after the convention
AWS DMS uses for change data in S3 CSV files (DMS user guide, "Using Amazon S3 as a target", "Indicating
source DB operations in migrated S3 data" and the `timestampColumnName` setting):

    Op,TIMESTAMP,<key attributes>,<other attributes, sorted>

- `Op`: `I` (INSERT), `U` (MODIFY: the item after the change) or `D` (REMOVE: the item before it, from
  OldImage when the stream view type has one, else its key alone). DMS adds this as the first field.
- `TIMESTAMP`: when the change happened, ISO-8601 UTC (`2024-05-01T12:00:00Z`), from the stream record's
  `ApproximateCreationDateTime`; empty when the record has none. DMS fills its timestamp column with the
  source's commit time for changes and the time of writing for a full load; `TIMESTAMP` is the name its
  documentation's example gives that column. DMS does not document where that column goes; here it is
  second, so both change columns come before the item's attributes, whose set varies from file to file,
  and the first two header cells are the same in every file.
- An attribute whose name is `Op` or `TIMESTAMP` with any number of `_` before it is written with one more
  `_` (`Op` -> `_Op`, `_Op` -> `__Op`): no attribute can take a change column's place, and
  `attribute_name` gives every name back exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

CSV_ENCODING = "utf-8"
"""Plain UTF-8, no byte order mark: a BOM would glue itself to the first header in most CSV readers."""

CONTENT_TYPE = "text/csv; charset=utf-8; header=present"

# OWASP CSV injection: cells starting with these are formulas (or DDE) in some spreadsheet; `'` is added so
# that prefixing is reversible (every cell starting with `'` was prefixed).
FORMULA_TRIGGERS = frozenset("=+-@\t\r'")
NEUTRALIZER = "'"

OP_COLUMN = "Op"
TIME_COLUMN = "TIMESTAMP"
CHANGE_COLUMNS = (OP_COLUMN, TIME_COLUMN)
_ESCAPE = "_"


def neutralize(text: str) -> str:
    """Prefix `'` when a spreadsheet would read `text` as a formula (or when it starts with `'`)."""
    return NEUTRALIZER + text if text[:1] in FORMULA_TRIGGERS else text


def restore_cell(cell: str) -> str:
    """Inverse of `neutralize` for every cell the CSV writer writes: drop one leading `'`."""
    return cell[1:] if cell[:1] == NEUTRALIZER else cell


def build_csv(columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> bytes:
    """Header + one line per row (RFC 4180: CRLF, quotes only where needed), UTF-8.

    A column a row lacks is an empty cell. Header cells are neutralized like text, since attribute
    names are user input too.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(column) for column in columns])
    lines: Sequence[Sequence[str]] | None = None
    if len(columns) > 1 and rows and min(map(len, rows)) == len(columns):
        # the usual batch, every row has every column: pick the cells in C instead of one .get per cell
        try:
            lines = list(map(itemgetter(*columns), rows))
        except KeyError:  # a row with a key outside `columns` and one missing
            lines = None
    if lines is None:
        lines = [[row.get(column, "") for column in columns] for row in rows]
    writer.writerows(lines)
    # lone surrogates (possible in a direct input's JSON escapes, never in DynamoDB) stay visible as \udxxx
    return buffer.getvalue().encode(CSV_ENCODING, "backslashreplace")


def read_csv(body: bytes, *, restore: bool = False) -> list[dict[str, str]]:
    """Parse what `build_csv` wrote: one dict per row, keyed by the header (empty string for an empty cell).

    With `restore=True`, the `'` added against formulas is removed from header and cells again, giving back
    the exact text of every S/B value and attribute name.
    """
    reader = csv.reader(io.StringIO(body.decode(CSV_ENCODING), newline=""))
    lines = list(reader)
    if not lines:
        return []
    header = [restore_cell(c) for c in lines[0]] if restore else lines[0]
    if restore:
        return [dict(zip(header, (restore_cell(c) for c in line), strict=True)) for line in lines[1:]]
    return [dict(zip(header, line, strict=True)) for line in lines[1:]]


def attribute_column(name: str) -> str:
    """The header cell of an attribute (before neutralizing): a change column's name gets one more `_`."""
    return _ESCAPE + name if name.lstrip(_ESCAPE) in CHANGE_COLUMNS else name


def attribute_name(column: str) -> str:
    """Inverse of `attribute_column`: the attribute name a header cell stands for."""
    return column[1:] if column[:1] == _ESCAPE and column.lstrip(_ESCAPE) in CHANGE_COLUMNS else column


def build_change_csv(
    columns: Sequence[str],
    rows: Sequence[Mapping[str, str]],
    *,
    ops: Sequence[str],
    times: Sequence[str],
) -> bytes:
    """A change table: `Op,TIMESTAMP,<columns>`, row i written as ops[i], times[i] and its cells.

    `columns` and the keys of `rows` are attribute names; the header escapes them (`attribute_column`) and
    neutralizes them. A column a row lacks is an empty cell.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*CHANGE_COLUMNS, *(neutralize(attribute_column(column)) for column in columns)])
    cells: Sequence[Sequence[str]] | None = None
    if len(columns) > 1 and rows and min(map(len, rows)) == len(columns):
        try:  # the usual batch, every row has every column: pick the cells in C (see build_csv)
            cells = list(map(itemgetter(*columns), rows))
        except KeyError:
            cells = None
    if cells is None:
        cells = [[row.get(column, "") for column in columns] for row in rows]
    writer.writerows([(op, time, *line) for op, time, line in zip(ops, times, cells, strict=True)])
    return buffer.getvalue().encode(CSV_ENCODING, "backslashreplace")


@dataclass(frozen=True, slots=True)
class Change:
    """One row of a change table read back: what happened, when, and the item's cells as written."""

    op: str
    time: str
    item: dict[str, str]


def is_change_table(header: Sequence[str]) -> bool:
    """Whether a CSV header starts with the change columns (`Op,TIMESTAMP,...`)."""
    return tuple(header[: len(CHANGE_COLUMNS)]) == CHANGE_COLUMNS


def read_changes(body: bytes) -> list[Change]:
    """Parse what `build_change_csv` wrote: attribute names and S/B texts restored exactly.

    ValueError for a CSV that is not a change table.
    """
    lines = list(csv.reader(io.StringIO(body.decode(CSV_ENCODING), newline="")))
    if not lines:
        return []
    if not is_change_table(lines[0]):
        starts = lines[0][: len(CHANGE_COLUMNS)]
        raise ValueError(f"not a change table: the header starts {starts!r}, not {list(CHANGE_COLUMNS)!r}")
    names = [attribute_name(restore_cell(column)) for column in lines[0][len(CHANGE_COLUMNS) :]]
    return [
        Change(op, time, dict(zip(names, map(restore_cell, cells), strict=True)))
        for op, time, *cells in lines[1:]
    ]
