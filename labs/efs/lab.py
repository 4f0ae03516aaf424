"""LabEfs, as the tooling sees it: one EFS file system shared by two functions, against /tmp and EBS."""

from __future__ import annotations

from pathlib import Path

from labs.cost.cheapest import idle_serverless
from labs.descriptor import CheapestSetup, Lab, StarterSpec
from labs.efs import spec

STARTER_TEMPLATE = Path(__file__).resolve().parent / "starter.py.tmpl"

LAB = Lab(
    package=__package__ or "labs.efs",
    lab_id=spec.LAB_ID,
    title="one encrypted EFS file system shared by two Lambda functions (an access point at "
    f"`{spec.MOUNT_PATH}`), what survives a cold start where `/tmp` does not",
    order=70,
    stack_class="LabEfsStack",
    steps=spec.STEPS,
    starter=StarterSpec(kind="stack", template=STARTER_TEMPLATE, solution="labs/efs/stack.py"),
    cheapest=CheapestSetup(
        description="serverless: EFS Standard bills per GB-month stored (a lab's kilobytes round to $0), "
        "the functions per request",
        usd_per_hour=idle_serverless,
    ),
)
