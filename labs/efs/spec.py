"""LabEfs's facts, shared by its stack, its check, its starter and the functions' code without the CDK."""

from __future__ import annotations

from dataclasses import dataclass

LAB_ID = "LabEfs"
# where both functions see the access point (Lambda: LocalMountPath starts with /mnt/)
MOUNT_PATH = "/mnt/shared"
# the functions read the mount path from the environment instead of writing it into their code twice
MOUNT_VARIABLE = "SHARED_DIR"
# the access point's root directory on the file system, created on first use with this owner and mode
ACCESS_POINT_PATH = "/lambda"
# the POSIX user the functions act as on the file system (without one, Lambda's writes are denied)
POSIX_UID = "1001"
POSIX_GID = "1001"
ROOT_PERMISSIONS = "750"
NFS_PORT = 2049
TIMEOUT_S = 15
# the writer stages this reference table onto the file system; the reader looks rows up in it
REFERENCE_FILE = "countries.csv"
# the event field of the check's token (a name, no secret): written by the writer, read back by the reader
TOKEN_FIELD = "token"  # noqa: S105


@dataclass(frozen=True, kw_only=True)
class SharedFilesRole:
    """One of the lab's two functions: its construct id (the logical id's prefix), label and handler."""

    construct_id: str
    label: str
    handler: str


WRITER = SharedFilesRole(construct_id="Writer", label="writer", handler="shared_files.writer.handler")
READER = SharedFilesRole(construct_id="Reader", label="reader", handler="shared_files.reader.handler")
FUNCTIONS = (WRITER, READER)

# the hands-on's steps in the course's order: the starter's TODOs and the check's hints name them
STEPS = (
    "create an encrypted EFS file system, deleted with the stack, with a mount target in each of the "
    f"functions' subnets and NFS ({NFS_PORT}) open to the functions' security group only",
    f"add an access point with a POSIX user ({POSIX_UID}:{POSIX_GID}) and a root directory "
    f"({ACCESS_POINT_PATH}) created with its owner and permissions ({ROOT_PERMISSIONS})",
    f"mount the access point in both functions at {MOUNT_PATH}",
    "invoke the writer, then the reader: the reader finds what the writer staged, even after a cold start",
)
