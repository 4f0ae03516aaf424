"""EFS's data in the emulator: each file system is a folder of this machine, each access point a folder in it.

A file system's folder lives under the emulator's scratch folder for as long as the file system does
(DeleteFileSystem removes it). An access point's root directory is created the first time a client connects
through it, with the owner and permissions of its CreationInfo, as EFS does ("If the access point root
directory does not exist, EFS creates it with these settings when a client connects to the access point";
without CreationInfo the mount fails: EFS API reference, CreationInfo). This machine cannot hand a folder to
another user, so the owner is recorded beside it, and what a POSIX user may do there is judged from that
record and the folder's mode bits, as NFS judges it.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from local_aws.settings import SCRATCH_VARIABLE

ROOT_USER = 0
# a new file system's root directory: owned by root, rwxr-xr-x (EFS user guide, "Working with users, groups
# and permissions at the NFS level")
FILE_SYSTEM_ROOT_MODE = 0o755
READ_WRITE, READ_ONLY, NO_ACCESS = "rw", "ro", "none"


class MountRefusedError(RuntimeError):
    """EFS refused a client's mount through an access point; the message says why."""


@dataclass(frozen=True)
class Owner:
    """A directory's POSIX owner and mode, as EFS keeps them (this machine's folder belongs to its user)."""

    uid: int
    gid: int
    mode: int


@dataclass(frozen=True)
class PosixIdentity:
    """Who a client acts as on the file system: the access point's PosixUser, else the client's own user."""

    uid: int | None
    gid: int | None
    secondary_gids: tuple[int, ...] = ()


_owners: dict[tuple[str, str], Owner] = {}
_lock = threading.Lock()


def scratch_root() -> Path:
    """Where the emulator keeps file systems: its scratch folder (gone when it stops), else the temp dir."""
    base = os.environ.get(SCRATCH_VARIABLE) or tempfile.gettempdir()
    return Path(base) / "efs"


def file_system_folder(account_id: str, region: str, file_system_id: str) -> Path:
    """The folder that holds one file system's files."""
    return scratch_root() / account_id / region / file_system_id


def remove_file_system(account_id: str, region: str, file_system_id: str) -> None:
    """The file system is deleted: its files and recorded owners go with it."""
    shutil.rmtree(file_system_folder(account_id, region, file_system_id), ignore_errors=True)
    with _lock:
        for key in [key for key in _owners if key[0] == file_system_id]:
            del _owners[key]


def stored_bytes(account_id: str, region: str, file_system_id: str) -> int:
    """What a file system's files hold, in bytes."""
    folder = file_system_folder(account_id, region, file_system_id)
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else 0


def root_directory(
    account_id: str, region: str, file_system_id: str, *, path: str, creation: Owner | None
) -> tuple[Path, Owner]:
    """The access point's root directory on this machine, created (with `creation`) when it does not exist:
    the folder and its recorded owner; MountRefusedError when it does not exist and has no CreationInfo."""
    normal = posixpath.normpath("/" + path.strip("/"))
    base = file_system_folder(account_id, region, file_system_id)
    folder = base / normal.lstrip("/")
    with _lock:
        base.mkdir(parents=True, exist_ok=True)
        _owners.setdefault((file_system_id, "/"), Owner(ROOT_USER, ROOT_USER, FILE_SYSTEM_ROOT_MODE))
        if not folder.is_dir():
            if creation is None:
                raise MountRefusedError(
                    f"the access point's root directory {normal} does not exist on {file_system_id} and the "
                    "access point has no CreationInfo to create it with"
                )
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(creation.mode | 0o700)  # this machine's user keeps its way in; the record decides
            _owners[(file_system_id, normal)] = creation
        owner = _owners.get((file_system_id, normal)) or _owners[(file_system_id, "/")]
    return folder, owner


def access(owner: Owner, identity: PosixIdentity) -> str:
    """What `identity` may do in a directory of that owner and mode: READ_WRITE, READ_ONLY or NO_ACCESS."""
    if identity.uid == ROOT_USER:
        return READ_WRITE
    if identity.uid is not None and identity.uid == owner.uid:
        bits = (owner.mode >> 6) & 0o7
    elif identity.gid is not None and owner.gid in (identity.gid, *identity.secondary_gids):
        bits = (owner.mode >> 3) & 0o7
    else:
        bits = owner.mode & 0o7
    # a directory needs execute to be entered at all, then write to create and remove what is in it
    if not bits & 0o1 or not bits & 0o4:
        return NO_ACCESS
    return READ_WRITE if bits & 0o2 else READ_ONLY
