"""LabEc2's facts, shared by its stack and its check without loading the CDK."""

from __future__ import annotations

LAB_ID = "LabEc2"
# the data disk is a block device mapping of the instance: created, attached and deleted with it
DATA_DEVICE = "/dev/sdf"
DATA_VOLUME_GIB = 1
DATA_VOLUME_TYPE = "gp3"
DATA_MOUNT_POINT = "/data"
