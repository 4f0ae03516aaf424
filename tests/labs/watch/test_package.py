"""The watch packages a function's code as the deploy does: the same files, the same bytes for the same
source (so its hash is the function's CodeSha256 once live), and a file that does not parse is named."""

from __future__ import annotations

import base64
import hashlib
import io
import time
import zipfile
from pathlib import Path

import pytest

from labs.constructs.function_facts import KIT_CODE, CodeSource
from labs.watch.package import excluded, package, package_files, zip_contents


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "patterns", "dropped"),
    [
        ("__pycache__", ("**/__pycache__",), True),
        ("csv_writer/__pycache__", ("**/__pycache__",), True),
        ("csv_writer/batch.cpython-311.pyc", ("**/*.pyc",), True),
        ("__init__.py", ("__init__.py",), True),
        ("sub/__init__.py", ("__init__.py",), True),
        ("handler.py", ("**/__pycache__", "**/*.pyc"), False),
        ("docs/readme.md", ("docs/*.md",), True),
    ],
)
def test_cdk_s_exclude_globs(path: str, patterns: tuple[str, ...], dropped: bool) -> None:
    assert excluded(path, patterns) is dropped


def test_the_same_source_packaged_later_is_the_same_bytes_and_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"handler.py": "def handler(event, context):\n    return {}\n", "lib/util.py": "X = 1\n"})
    first = package(CodeSource(tmp_path))
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(time, "localtime", lambda seconds=None: time.gmtime(later))
    (tmp_path / "handler.py").touch()

    again = package(CodeSource(tmp_path))

    assert again.zip_bytes == first.zip_bytes
    assert again.code_sha256 == first.code_sha256
    assert first.code_sha256 == base64.b64encode(hashlib.sha256(first.zip_bytes).digest()).decode()
    with zipfile.ZipFile(io.BytesIO(first.zip_bytes)) as bundle:
        assert [info.filename for info in bundle.infolist()] == ["handler.py", "lib/util.py"]
        assert {info.date_time for info in bundle.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert bundle.getinfo("handler.py").external_attr >> 16 == 0o644


def test_an_edit_and_its_undo_give_back_the_first_hash(tmp_path: Path) -> None:
    write(tmp_path, {"handler.py": "def handler(event, context):\n    return {}\n"})
    before = package(CodeSource(tmp_path)).code_sha256
    write(tmp_path, {"handler.py": "def handler(event, context):\n    return {'v': 2}\n"})
    edited = package(CodeSource(tmp_path)).code_sha256
    write(tmp_path, {"handler.py": "def handler(event, context):\n    return {}\n"})

    assert edited != before
    assert package(CodeSource(tmp_path)).code_sha256 == before


def test_excluded_files_stay_out_and_a_zip_reads_back_the_same_files(tmp_path: Path) -> None:
    write(tmp_path, {"handler.py": "X = 1\n", "__pycache__/handler.cpython-311.pyc": "", "a/b.pyc": ""})
    code = package(CodeSource(tmp_path))

    assert package_files(CodeSource(tmp_path)) == ["handler.py"]
    assert code.same_files(zip_contents(code.zip_bytes))


def test_the_kit_s_own_code_packages_without_bytecode() -> None:
    files = package_files(KIT_CODE)

    assert "csv_writer/handler.py" in files
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in files)


def test_a_file_that_does_not_parse_is_named_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, {"handler.py": "def handler(event, context):\n    return {\n", "ok.py": "X = 1\n"})

    (problem,) = package(CodeSource(tmp_path)).syntax_problems()

    assert problem.path == tmp_path / "handler.py"
    assert problem.line == 2
    assert "never closed" in problem.message
