"""EFS in the emulator: file systems, mount targets and access points as CloudFormation makes them
(resources.py), each file system a folder of this machine whose access points' root directories are created
with their owner and permissions (data.py), and what a Lambda function mounts and how Lambda refuses a file
system it cannot reach (mounts.py, network.py)."""

from __future__ import annotations

from local_aws.fixes import EmulatorGap, ParityFix
from local_aws.services.efs import resources

FIXES: tuple[ParityFix, ...] = resources.FIXES
GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "EFS without NFS",
        "a file system is a folder of this machine: no NFS protocol, so throughput modes, bursting credits, "
        "latency and NFS's open-after-close consistency are not emulated (a write is seen at once); IAM "
        "authorization on mount (the file system policy, elasticfilesystem:ClientMount) is not evaluated",
    ),
    EmulatorGap(
        "POSIX owners are recorded, not enforced by the OS",
        "an access point's root directory gets its permissions for real, but this machine's user owns every "
        "file: the recorded owner and mode decide whether a function may read or write the root directory, "
        "files below it are not checked one by one",
    ),
    EmulatorGap(
        "a mount is a path mapping",
        "a function sees its file system at its LocalMountPath (and its own /tmp) through Python's file "
        "functions; a subprocess or a C library that opens paths itself (sqlite3) sees this machine's paths",
    ),
)
