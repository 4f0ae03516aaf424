"""LabEfs's functions over a real temporary folder as the mount: what the writer stages the reader finds, and
what each keeps in /tmp is its own; bad events get a clear error."""

from __future__ import annotations

import importlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from labs.efs import spec
from shared_files import files

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def test_the_writer_stages_the_table_once_and_atomically(tmp_path: Path) -> None:
    first = files.stage_reference(tmp_path, environment="env-1", now=NOW)
    again = files.stage_reference(tmp_path, environment="env-2", now=NOW)

    assert first["staged"] is True
    assert first["rows"] == 34
    assert again["staged"] is False
    # the second environment found what the first staged, unchanged
    assert (again["stagedBy"], again["sha256"], again["intact"]) == ("env-1", first["sha256"], True)
    assert sorted(p.name for p in (tmp_path / files.REFERENCE_DIR).iterdir()) == [
        files.DATASET,
        files.MANIFEST,
    ]


def test_the_reader_finds_nothing_before_staging_and_the_row_after(tmp_path: Path) -> None:
    assert files.read_reference(tmp_path) is None
    files.stage_reference(tmp_path, environment="env-1", now=NOW)

    assert files.read_reference(tmp_path)["stagedAt"] == "2030-01-01T12:00:00+00:00"  # type: ignore[index]
    assert files.lookup(tmp_path, "fr") == {"code": "FR", "name": "France", "region": "Europe"}
    assert files.lookup(tmp_path, "XX") is None


def test_a_changed_table_is_reported_as_not_intact(tmp_path: Path) -> None:
    files.stage_reference(tmp_path, environment="env-1", now=NOW)
    (tmp_path / files.REFERENCE_DIR / files.DATASET).write_text("code,name,region\n", encoding="utf-8")

    assert files.read_reference(tmp_path)["intact"] is False  # type: ignore[index]


def test_a_token_written_is_read_back_and_an_unknown_one_is_none(tmp_path: Path) -> None:
    written = files.write_token(tmp_path, "t-1", environment="env-1", now=NOW)

    assert files.read_token(tmp_path, "t-1") == written
    assert files.read_token(tmp_path, "t-2") is None


def test_tmp_keeps_a_copy_per_environment(tmp_path: Path) -> None:
    shared, tmp = tmp_path / "efs", tmp_path / "tmp"
    tmp.mkdir()
    files.stage_reference(shared, environment="env-1", now=NOW)

    assert files.keep_in_tmp(shared, tmp)["hadCopy"] is False
    assert files.keep_in_tmp(shared, tmp)["hadCopy"] is True


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("token", "must be a JSON object"),
        ({"token": "../etc/passwd"}, "letters, digits"),
        ({"token": 7}, "letters, digits"),
        ({"country": "France"}, "two-letter code"),
        ({"user": "u-1"}, "unknown field(s) user"),
    ],
)
def test_a_bad_event_is_refused_with_what_the_function_accepts(event: object, message: str) -> None:
    with pytest.raises(files.BadRequestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        files.parse_event(event)


def test_the_code_reads_the_mount_path_the_stack_passes() -> None:
    assert files.MOUNT_VARIABLE == spec.MOUNT_VARIABLE
    assert files.DEFAULT_MOUNT == spec.MOUNT_PATH
    assert files.DATASET == spec.REFERENCE_FILE
    assert files.mount_path({spec.MOUNT_VARIABLE: "/mnt/other"}) == Path("/mnt/other")


def _handler(monkeypatch: pytest.MonkeyPatch, name: str, mount: Path, tmp: Path) -> ModuleType:
    """A fresh import of one handler module (a new execution environment), its /tmp at `tmp`."""
    monkeypatch.setenv(spec.MOUNT_VARIABLE, str(mount))
    module = importlib.reload(importlib.import_module(f"shared_files.{name}"))
    monkeypatch.setattr(module, "tmp_folder", lambda: tmp)
    return module


def test_the_handlers_share_the_mount_and_not_their_tmp(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mount = tmp_path / "mnt"
    mount.mkdir()
    writer_tmp, reader_tmp = tmp_path / "writer-tmp", tmp_path / "reader-tmp"
    writer_tmp.mkdir()
    reader_tmp.mkdir()
    writer = _handler(monkeypatch, "writer", mount, writer_tmp)
    reader = _handler(monkeypatch, "reader", mount, reader_tmp)

    wrote = writer.handler({"token": "t-9"}, None)
    read = reader.handler({"token": "t-9", "country": "JP"}, None)
    again = reader.handler({}, None)

    assert (wrote["efs"]["staged"], wrote["coldStart"], wrote["tmp"]["hadCopy"]) == (True, True, False)
    assert read["efs"]["found"] is True
    assert read["efs"]["stagedBy"] == wrote["environment"]
    assert read["token"]["token"] == "t-9"
    assert read["lookup"]["name"] == "Japan"
    # the reader's /tmp is its own: empty on its first invocation, its copy on the next
    assert (read["tmp"]["hadCopy"], again["tmp"]["hadCopy"], again["coldStart"]) == (False, True, False)
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["function"] for line in printed] == ["writer", "reader", "reader"]
    assert os.listdir(mount / files.TOKENS_DIR) == ["t-9"]


def test_the_reader_says_what_to_do_before_the_writer_ran(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reader = _handler(monkeypatch, "reader", tmp_path, tmp_path)

    assert reader.handler({}, None)["efs"] == {"found": False, "next": reader.NOT_STAGED}
