"""What The shared-files lab's two functions do with the shared file system, as plain functions over a folder.

Lambda mounts the access point at the function's LocalMountPath (SHARED_DIR in its environment); tests pass a
temporary folder instead. The writer stages a reference table (countries.csv, packaged with the code) onto the
file system once, atomically, with a manifest that says who staged it and when; the reader reads it on every
invocation. Both keep a copy in their own /tmp, which lives only as long as their execution environment.
Standard library only: the functions run in a VPC without internet, and need nothing but their mount.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

# the stack sets it to the LocalMountPath: the code never repeats the path
MOUNT_VARIABLE = "SHARED_DIR"
DEFAULT_MOUNT = "/mnt/shared"
DATASET = "countries.csv"
BUNDLED = Path(__file__).with_name(DATASET)
REFERENCE_DIR = "reference"
MANIFEST = "manifest.json"
TOKENS_DIR = "tokens"
TMP_COPY = "labefs-" + DATASET
# a token names a file: letters, digits, dot, dash and underscore only, so it cannot leave its folder
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


class BadRequestError(ValueError):
    """The event asks for something the function does not do; the message says what it accepts."""


@dataclass(frozen=True)
class Request:
    """What an invocation asks for: a token to write or read back, a country code to look up."""

    token: str | None = None
    country: str | None = None


def parse_event(event: Any) -> Request:
    """The invocation's request; an empty event is the hands-on's (stage, then read)."""
    if event is None or event == {}:
        return Request()
    if not isinstance(event, dict):
        raise BadRequestError(f'the event must be a JSON object such as {{"token": "t-1"}}, not {event!r}')
    unknown = sorted(set(event) - {"token", "country"})
    if unknown:
        raise BadRequestError(f"unknown field(s) {', '.join(unknown)}: the event takes token and country")
    token, country = event.get("token"), event.get("country")
    if token is not None and not (isinstance(token, str) and _TOKEN.match(token)):
        raise BadRequestError(f"token {token!r} must be 1-64 letters, digits, '.', '-' or '_'")
    if country is not None and not (isinstance(country, str) and _COUNTRY.match(country)):
        raise BadRequestError(f"country {country!r} must be a two-letter code such as FR")
    return Request(token=token, country=country.upper() if country else None)


def mount_path(environ: dict[str, str]) -> Path:
    """Where the file system is mounted: the LocalMountPath the stack passes in SHARED_DIR."""
    return Path(environ.get(MOUNT_VARIABLE) or DEFAULT_MOUNT)


def tmp_folder() -> Path:
    """This execution environment's /tmp (Lambda's ephemeral storage)."""
    return Path(tempfile.gettempdir())


def _write_atomically(target: Path, data: bytes) -> None:
    """A reader never sees half a file: write beside it, then rename over it (atomic on one file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.partial")
    staging.write_bytes(data)
    os.replace(staging, target)


def _rows(data: bytes) -> int:
    return sum(1 for _ in csv.DictReader(io.StringIO(data.decode("utf-8"))))


def stage_reference(root: Path, *, environment: str, now: datetime, source: Path = BUNDLED) -> dict[str, Any]:
    """Put the reference table on the file system unless it is there already; what is there, and whether this
    invocation staged it."""
    target = root / REFERENCE_DIR / DATASET
    if target.is_file() and (root / REFERENCE_DIR / MANIFEST).is_file():
        return {"staged": False, **(read_reference(root) or {})}
    data = source.read_bytes()
    manifest = {
        "path": str(target),
        "rows": _rows(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "stagedAt": now.isoformat(timespec="seconds"),
        "stagedBy": environment,
    }
    _write_atomically(target, data)
    _write_atomically(root / REFERENCE_DIR / MANIFEST, json.dumps(manifest).encode("utf-8"))
    return {"staged": True, **manifest, "intact": True}


def read_reference(root: Path) -> dict[str, Any] | None:
    """The staged table's manifest, and whether the file still matches it; None before it is staged."""
    target = root / REFERENCE_DIR / DATASET
    manifest_file = root / REFERENCE_DIR / MANIFEST
    if not target.is_file() or not manifest_file.is_file():
        return None
    manifest: dict[str, Any] = json.loads(manifest_file.read_text(encoding="utf-8"))
    intact = hashlib.sha256(target.read_bytes()).hexdigest() == manifest.get("sha256")
    return {**manifest, "intact": intact}


def lookup(root: Path, code: str) -> dict[str, str] | None:
    """The reference table's row for a country code, or None."""
    with (root / REFERENCE_DIR / DATASET).open(encoding="utf-8", newline="") as table:
        return next((dict(row) for row in csv.DictReader(table) if row["code"] == code.upper()), None)


def keep_in_tmp(root: Path, tmp: Path) -> dict[str, Any]:
    """Copy the staged table into /tmp unless this environment has it already; whether it had."""
    copy = tmp / TMP_COPY
    had = copy.is_file()
    source = root / REFERENCE_DIR / DATASET
    if not had and source.is_file():
        shutil.copyfile(source, copy)
    return {"path": str(copy), "hadCopy": had}


def write_token(root: Path, token: str, *, environment: str, now: datetime) -> dict[str, Any]:
    """Write a token's file on the file system: what the other function reads back."""
    record = {"token": token, "writtenAt": now.isoformat(timespec="seconds"), "writtenBy": environment}
    _write_atomically(root / TOKENS_DIR / token, json.dumps(record).encode("utf-8"))
    return record


def read_token(root: Path, token: str) -> dict[str, Any] | None:
    """A token's record as the other function wrote it, or None when it is not on the file system."""
    path = root / TOKENS_DIR / token
    if not path.is_file():
        return None
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return record
