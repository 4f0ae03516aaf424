"""AWS parity fixes: where moto 5.2.5 behaves unlike AWS for the labs, restore the AWS behaviour.

One module per AWS service holds that service's fixes, each declared beside its code with what moto does
and what AWS does, and exposes them as `FIXES`; `base` holds what they share and `gaps` what no fix
restores. A fix is applied inside the emulator's own process only (labs.emulator.server), never to a test's
`mock_aws`. Importing this package does not import moto; `apply_all()` does.
"""

from __future__ import annotations

from labs.emulator.parity import (
    awslambda,
    awslambda_versions,
    change_sets,
    cloudformation,
    custom_resources,
    dynamodb,
    ebs_defaults,
    ec2,
    fis,
    iam,
    iam_simulation,
    instance_network,
    s3,
    scheduler,
    spot,
    ssm,
    stack_updates,
    stepfunctions,
    sts,
)
from labs.emulator.parity.base import (
    MOTO_VERSION,
    EmulatorGap,
    ParityError,
    ParityFix,
    check_moto_version,
)
from labs.emulator.parity.cloudformation import deletion_order
from labs.emulator.parity.gaps import EMULATOR_GAPS

__all__ = [
    "EMULATOR_GAPS",
    "MOTO_VERSION",
    "PARITY_FIXES",
    "EmulatorGap",
    "ParityError",
    "ParityFix",
    "apply_all",
    "check_moto_version",
    "deletion_order",
]

# the order the demo and `labkit emulator` print them in
PARITY_FIXES: tuple[ParityFix, ...] = (
    *ec2.FIXES,
    *spot.FIXES,
    *fis.FIXES,
    *change_sets.FIXES,
    *cloudformation.FIXES,
    *custom_resources.FIXES,
    *stack_updates.FIXES,
    *scheduler.FIXES,
    *stepfunctions.FIXES,
    *awslambda.FIXES,
    # after awslambda's: they wrap the invoke it installs
    *awslambda_versions.FIXES,
    *dynamodb.FIXES,
    *iam.FIXES,
    *s3.FIXES,
    *ssm.FIXES,
    *iam_simulation.FIXES,
    *ebs_defaults.FIXES,
    *instance_network.FIXES,
    *sts.FIXES,
)


def apply_all() -> tuple[ParityFix, ...]:
    """Apply every fix once, in this process; returns the fixes applied."""
    check_moto_version()
    for fix in PARITY_FIXES:
        fix.apply()
    return PARITY_FIXES
