"""LabEc2's facts, shared by its stack and its check without loading the CDK."""

from __future__ import annotations

LAB_ID = "LabEc2"
# the data disk is a block device mapping of the instance: created, attached and deleted with it
DATA_DEVICE = "/dev/sdf"
DATA_VOLUME_GIB = 1
DATA_VOLUME_TYPE = "gp3"
DATA_MOUNT_POINT = "/data"

# the hands-on's steps in the course's order: the starter's TODOs and the check's hints name them
STEPS = (
    "launch a t4g.nano instance (Amazon Linux 2023, arm64) in a public subnet",
    "add a 1 GiB encrypted data volume and attach it to the instance",
    "give the instance an Elastic IP",
    "let ping in (ICMP echo from pingCidr) and ping the Elastic IP",
)
