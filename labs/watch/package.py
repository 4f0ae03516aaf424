"""A function's code as the deploy packages it: the asset folder less CDK's exclude globs, zipped with fixed
dates so the same source is the same bytes, and hashed as Lambda's CodeSha256 (base64 of its SHA-256)."""

from __future__ import annotations

import ast
import base64
import fnmatch
import hashlib
import io
import os
import stat
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath

from labs.constructs.function_facts import CodeSource

# zip's earliest date: a package built now and one built later of the same files are the same bytes
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# UpdateFunctionCode's ZipFile takes at most 50 MB (Lambda quotas: deployment package, zipped, direct upload)
DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024


def excluded(relative: str, patterns: tuple[str, ...]) -> bool:
    """True when CDK's glob excludes drop this path (relative to the asset folder, `/`-separated): a pattern
    without a folder part names a file or folder at any depth (minimatch's matchBase), `**/` any depth."""
    name = PurePosixPath(relative).name
    for pattern in patterns:
        bare = pattern.removeprefix("**/")
        if "/" not in bare:
            if fnmatch.fnmatchcase(name, bare):
                return True
        elif fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(relative, bare):
            return True
    return False


def package_files(source: CodeSource) -> list[str]:
    """The files the deploy packages from the folder, relative and sorted (an excluded folder is skipped)."""
    root = source.folder
    found: list[str] = []
    for folder, folders, files in os.walk(root):
        here = Path(folder).relative_to(root).as_posix()
        prefix = "" if here == "." else f"{here}/"
        folders[:] = sorted(name for name in folders if not excluded(prefix + name, source.exclude))
        found += [prefix + name for name in files if not excluded(prefix + name, source.exclude)]
    return sorted(found)


@dataclass(frozen=True)
class SyntaxProblem:
    """A file of the package that does not parse: where, and Python's words."""

    path: Path
    line: int
    message: str
    text: str


@dataclass(frozen=True)
class CodePackage:
    """The zip UpdateFunctionCode takes, and what it holds."""

    source: CodeSource
    contents: dict[str, bytes]

    @cached_property
    def zip_bytes(self) -> bytes:
        """The package: entries sorted, each dated ZIP_DATE, regular files 644 (755 when executable)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name in sorted(self.contents):
                entry = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                mode = (
                    (self.source.folder / name).stat().st_mode if (self.source.folder / name).exists() else 0
                )
                entry.external_attr = (0o755 if mode & stat.S_IXUSR else 0o644) << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(entry, self.contents[name])
        return buffer.getvalue()

    @cached_property
    def code_sha256(self) -> str:
        """What Lambda reports as the function's CodeSha256 once this package is its code."""
        return base64.b64encode(hashlib.sha256(self.zip_bytes).digest()).decode("ascii")

    @property
    def too_large(self) -> bool:
        """True when UpdateFunctionCode cannot take it directly (a deploy goes through S3 instead)."""
        return len(self.zip_bytes) > DIRECT_UPLOAD_LIMIT

    def syntax_problems(self) -> list[SyntaxProblem]:
        """The package's Python files that do not parse: the function would fail to import them."""
        problems = []
        for name, body in sorted(self.contents.items()):
            if not name.endswith(".py"):
                continue
            path = self.source.folder / name
            try:
                ast.parse(body, filename=str(path))
            except SyntaxError as error:
                text = (error.text or "").strip()
                problems.append(SyntaxProblem(path, error.lineno or 0, error.msg, text))
            except ValueError as error:  # a NUL byte, an undecodable file
                problems.append(SyntaxProblem(path, 0, str(error), ""))
        return problems

    def same_files(self, other: dict[str, bytes]) -> bool:
        """True when `other` (another package's entries) holds exactly these files with these bytes."""
        return self.contents == other


def package(source: CodeSource) -> CodePackage:
    """The folder's package as it is on disk now."""
    return CodePackage(source, {name: (source.folder / name).read_bytes() for name in package_files(source)})


def zip_contents(archive: bytes) -> dict[str, bytes]:
    """The files of a zip (a deployed asset), by name; folders' own entries left out."""
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        return {info.filename: bundle.read(info) for info in bundle.infolist() if not info.is_dir()}
