"""LabAsg's facts, shared by its stack and its check without loading the CDK."""

from __future__ import annotations

LAB_ID = "LabAsg"
MIN_CAPACITY, DESIRED_CAPACITY, MAX_CAPACITY = 1, 2, 4
INSTANCE_TYPE = "t4g.nano"

# the hands-on's steps in the course's order: the starter's TODOs and the check's hints name them
STEPS = (
    f"write a launch template: {INSTANCE_TYPE}, Amazon Linux 2023 arm64, IMDSv2 required",
    f"build the Auto Scaling group from it: min {MIN_CAPACITY}, desired {DESIRED_CAPACITY}, "
    f"max {MAX_CAPACITY}, subnets in two Availability Zones",
    "terminate one instance and watch the group replace it",
)
