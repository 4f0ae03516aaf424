"""The emulator's AWS services: where the pinned moto (moto_bridge.MOTO_VERSION) behaves unlike AWS for the
labs, the AWS behaviour restored.

One package (or module, when small) per AWS service holds that service's fixes, each declared beside its
code with what moto does and what AWS does, and names what it cannot do: every service exposes `FIXES` and
`GAPS`. A fix is applied inside the emulator's own process only (local_aws.server), never to a test's
`mock_aws`. Importing this package does not import moto; `apply_all()` does.
"""

from __future__ import annotations

from local_aws.fixes import EmulatorGap, ParityFix, application_order
from local_aws.moto_bridge import check_moto_version
from local_aws.services import (
    awslambda,
    batch,
    cloudformation,
    dynamodb,
    ec2,
    efs,
    events,
    fis,
    iam,
    s3,
    scheduler,
    ssm,
    stepfunctions,
    sts,
)

__all__ = ["EMULATOR_GAPS", "PARITY_FIXES", "apply_all"]

# the order the demo and `labkit emulator --verbose` list them in (apply_all follows their `after`)
PARITY_FIXES: tuple[ParityFix, ...] = (
    *ec2.FIXES,
    *fis.FIXES,
    *efs.FIXES,
    *cloudformation.FIXES,
    *scheduler.FIXES,
    *stepfunctions.FIXES,
    *awslambda.FIXES,
    *events.FIXES,
    *batch.FIXES,
    *dynamodb.FIXES,
    *iam.FIXES,
    *s3.FIXES,
    *ssm.FIXES,
    *sts.FIXES,
)

# what the emulator cannot do, listed together for the demo and `labkit emulator --verbose`
EMULATOR_GAPS: tuple[EmulatorGap, ...] = (
    *awslambda.GAPS,
    *batch.GAPS,
    *s3.GAPS,
    *scheduler.GAPS,
    *ec2.GAPS,
    *events.GAPS,
    *efs.GAPS,
    *cloudformation.GAPS,
    *fis.GAPS,
    *stepfunctions.GAPS,
    *dynamodb.GAPS,
    *iam.GAPS,
    *ssm.GAPS,
    *sts.GAPS,
)


def apply_all() -> tuple[ParityFix, ...]:
    """Apply every fix once, in this process, each after the fixes it names; returns them in that order."""
    check_moto_version()
    ordered = application_order(PARITY_FIXES)
    for fix in ordered:
        fix.apply()
    return ordered
