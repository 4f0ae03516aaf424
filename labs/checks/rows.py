"""Reading back a CSV row that a lab's writer put into its bucket, cells restored as they were written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from csv_writer.csv_format import read_csv


@dataclass(frozen=True)
class FoundRow:
    """A CSV row the lab's writer put into its bucket."""

    key: str
    row: Mapping[str, str]

    def describe(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in self.row.items())


def find_row(s3: Any, bucket: str, key: str, *, column: str, value: str) -> FoundRow | None:
    """The first row of s3://bucket/key whose `column` is `value` (cells read back as written)."""
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    for row in read_csv(body, restore=True):
        if row.get(column) == value:
            return FoundRow(key, row)
    return None
