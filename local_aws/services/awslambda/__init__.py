"""Lambda in the emulator: a function's deployed code runs in a process of its own (runtime/), logs where its
LoggingConfig says (functions.py), mounts its file systems (file_systems.py), and answers through versions,
aliases and provisioned concurrency (versions.py), as the Lambda service does."""

from __future__ import annotations

from local_aws.fixes import EmulatorGap, ParityFix
from local_aws.services.awslambda import file_systems, functions, versions

FIXES: tuple[ParityFix, ...] = (*functions.FIXES, *file_systems.FIXES, *versions.FIXES)
GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "Lambda runs in the kit's Python",
        "a function's code runs in a process of the kit's Python version (not the runtime's), with its "
        "memory capped as address space but not isolated; layers other than the kit's are unpacked as given; "
        "each execution environment has a /tmp of its own, gone with it, whose size is not capped",
    ),
    EmulatorGap(
        "Lambda CPU does not follow memory",
        "every function gets this machine's whole CPU whatever its memory size (AWS gives CPU in proportion "
        "to memory), so 128 MB and 1024 MB show the same init and duration; SnapStart is not emulated",
    ),
)
