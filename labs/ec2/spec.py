"""LabEc2's facts, shared by its stack and its check without loading the CDK."""

from __future__ import annotations

LAB_ID = "LabEc2"
DATA_VOLUME_GIB = 1
DATA_DEVICE = "/dev/sdf"
DATA_MOUNT_POINT = "/data"
