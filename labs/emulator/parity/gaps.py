"""What the emulator cannot do and no parity fix restores: the checks report these as not verifiable."""

from __future__ import annotations

from labs.emulator.parity.base import EmulatorGap

EMULATOR_GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "Lambda runs in the kit's Python",
        "a function's code runs in a process of the kit's Python version (not the runtime's), with its "
        "memory capped as address space but not isolated; layers other than the kit's are unpacked as given",
    ),
    EmulatorGap(
        "no bucket or queue policies",
        "moto has no CloudFormation model for AWS::S3::BucketPolicy or AWS::SQS::QueuePolicy (and would "
        "ignore their TLS condition): the TLS-only policies do not exist here",
    ),
    EmulatorGap(
        "schedules fire only when asked",
        "the emulator's clock is the machine's, so an expiry hours away never comes: `labkit emulator "
        "expire` fires a lab's schedule now, with the schedule's own role",
    ),
    EmulatorGap(
        "no network",
        "instances run no code and their addresses are not on any network: nothing can be pinged",
    ),
)
