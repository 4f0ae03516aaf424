"""Cells into the bytes of a CSV file, and back: RFC 4180 (CRLF, quotes only where needed), plain UTF-8.

Spreadsheet safety (OWASP "CSV injection"): a text whose first character is `=`, `+`, `-`, `@`, tab or
carriage return gets a leading `'` from `neutralize`, so the spreadsheet shows it as text instead of running
it. A text that already starts with `'` gets one too, which makes the change exactly reversible:
`restore_cell` drops one leading `'` from any cell. `build_csv` neutralizes the header (attribute names are
user input too); which cells are neutralized is decided in `csv_writer.cells`. `read_csv` parses what
`build_csv` wrote, for the tests and the kit's checks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from operator import itemgetter

CSV_ENCODING = "utf-8"
"""Plain UTF-8, no byte order mark: a BOM would glue itself to the first header in most CSV readers."""

CONTENT_TYPE = "text/csv; charset=utf-8; header=present"

# OWASP CSV injection: cells starting with these are formulas (or DDE) in some spreadsheet; `'` is added so
# that prefixing is reversible (every cell starting with `'` was prefixed).
FORMULA_TRIGGERS = frozenset("=+-@\t\r'")
NEUTRALIZER = "'"


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
