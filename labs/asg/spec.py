"""LabAsg's facts, shared by its stack and its check without loading the CDK."""

from __future__ import annotations

from labs.checks.options import CheckOption
from labs.constructs.instance_facts import LAB_INSTANCE_TYPE_NAME

LAB_ID = "LabAsg"
MIN_CAPACITY, DESIRED_CAPACITY, MAX_CAPACITY = 1, 2, 4
INSTANCE_TYPE = LAB_INSTANCE_TYPE_NAME

# the hands-on's steps in the course's order: the starter's TODOs and the check's hints name them
STEPS = (
    f"write a launch template: {INSTANCE_TYPE}, Amazon Linux 2023 arm64, IMDSv2 required",
    f"build the Auto Scaling group from it: min {MIN_CAPACITY}, desired {DESIRED_CAPACITY}, "
    f"max {MAX_CAPACITY}, subnets in two Availability Zones",
    "terminate one instance and watch the group replace it",
)

# the check's own option: `labkit check LabAsg --self-heal`; the registry reads it without importing the check
SELF_HEAL_TIMEOUT_S = 300.0
CHECK_OPTIONS = (
    CheckOption(
        flag="--self-heal",
        help=f"terminate one instance and wait until the group is back to {DESIRED_CAPACITY} in service",
        timeout_s=SELF_HEAL_TIMEOUT_S,
    ),
)
