"""EventBridge Scheduler in the emulator: schedules created by CloudFormation (schedules.py), fired when due
or on demand with their own role (firing.py), as Scheduler runs a target."""

from __future__ import annotations

from local_aws.fixes import EmulatorGap, ParityFix
from local_aws.services.scheduler import schedules

FIXES: tuple[ParityFix, ...] = schedules.FIXES
GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "an expiry comes at its hour",
        "the emulator's clock is the machine's: a schedule fires when due, so a lab's expiry hours away "
        "comes hours later; `labkit emulator expire` fires it now, with the schedule's own role",
    ),
)
