"""Reading back a CSV row that a lab's writer put into its bucket, cells restored as they were written.

Two shapes are read: the kit's writer's change table (`Op,TIMESTAMP,<attributes>`, see
`csv_writer.csv_format`), and any other CSV with a header row, such as a learner's own handler writes.
In a change table the user's row is an insert or an update (`I`/`U`): a delete (`D`) says the item is
gone, not that the writer wrote the new item.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from csv_writer.csv_format import OP_COLUMN, TIME_COLUMN, is_change_table, read_changes, read_csv

DELETE_OP = "D"


@dataclass(frozen=True)
class FoundRow:
    """A CSV row the lab's writer put into its bucket: the item's cells, and what happened when (change
    tables only; empty for a plain CSV)."""

    key: str
    row: Mapping[str, str]
    op: str = ""
    time: str = ""

    def describe(self) -> str:
        """`userId=u-1, name=Ada` for a plain row; a change table's row adds `; Op=I, TIMESTAMP=...`."""
        cells = ", ".join(f"{name}={value}" for name, value in self.row.items())
        if not self.op:
            return cells
        return f"{cells}; {OP_COLUMN}={self.op}, {TIME_COLUMN}={self.time or '(none)'}"


def _first_line(body: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(body.decode("utf-8"), newline="")), [])


def find_row(s3: Any, bucket: str, key: str, *, column: str, value: str) -> FoundRow | None:
    """The first row of s3://bucket/key whose `column` is `value` (cells read back as written).

    In a change table, `column` is an attribute name and delete rows do not count.
    """
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    if is_change_table(_first_line(body)):
        for change in read_changes(body):
            if change.op != DELETE_OP and change.item.get(column) == value:
                return FoundRow(key, change.item, change.op, change.time)
        return None
    for row in read_csv(body, restore=True):
        if row.get(column) == value:
            return FoundRow(key, row)
    return None
