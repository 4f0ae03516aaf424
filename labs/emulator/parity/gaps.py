"""What the emulator cannot do and no parity fix restores: the checks report these as not verifiable."""

from __future__ import annotations

from labs.emulator.parity.base import EmulatorGap

EMULATOR_GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "Lambda code does not run",
        "without a container runtime moto answers invocations with a canned reply: no handler runs",
    ),
    EmulatorGap(
        "custom resources do not run",
        "moto marks a custom resource created without running it and runs nothing on delete",
    ),
    EmulatorGap(
        "no bucket or queue policies",
        "moto has no CloudFormation model for AWS::S3::BucketPolicy or AWS::SQS::QueuePolicy (and would "
        "ignore their TLS condition): the TLS-only policies do not exist here",
    ),
    EmulatorGap(
        "no scheduled actions fire",
        "the expiry schedule is created but moto never invokes a schedule's target",
    ),
    EmulatorGap(
        "no network",
        "instances run no code and their addresses are not on any network: nothing can be pinged",
    ),
)
