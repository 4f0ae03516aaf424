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
        "Lambda CPU does not follow memory",
        "every function gets this machine's whole CPU whatever its memory size (AWS gives CPU in proportion "
        "to memory), so 128 MB and 1024 MB show the same init and duration; SnapStart is not emulated",
    ),
    EmulatorGap(
        "no bucket or queue policies",
        "moto has no CloudFormation model for AWS::S3::BucketPolicy or AWS::SQS::QueuePolicy (and would "
        "ignore their TLS condition): the TLS-only policies do not exist here",
    ),
    EmulatorGap(
        "an expiry comes at its hour",
        "the emulator's clock is the machine's: a schedule fires when due, so a lab's expiry hours away "
        "comes hours later; `labkit emulator expire` fires it now, with the schedule's own role",
    ),
    EmulatorGap(
        "Spot is a rehearsal",
        "Spot prices are the kit's dated estimate, not live; EC2 interrupts nothing on its own and never "
        "runs short of capacity (price-capacity-optimized picks the cheapest pool, balancing zones and "
        "avoiding an interrupted pool); an interruption (labkit emulator interrupt, or an FIS experiment) "
        "sends the rebalance recommendation and the warning together and terminates after 10 s "
        "(configurable) instead of 2 min; only the terminate behaviour; no instance metadata notice",
    ),
    EmulatorGap(
        "no network",
        "instances run no code and their addresses are not on any network: nothing can be pinged",
    ),
)
