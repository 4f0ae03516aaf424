"""What the account already uses of each quota, read from EC2."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

# "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances": families by their leading letters;
# inf, trn, hpc, dl, mac and u- start with those letters but count against quotas of their own
_STANDARD_FAMILY = re.compile(r"^([acdhmrtz]\d|i\d|im\d|is\d)")


def nothing_reserved(_ec2: EC2Client) -> int:
    """Lambda's concurrency in use cannot be read ahead of a class: count none, compare the class's need."""
    return 0


def elastic_ips(ec2: EC2Client) -> int:
    """How many Elastic IPs the region holds."""
    return len(ec2.describe_addresses()["Addresses"])


def vpcs(ec2: EC2Client) -> int:
    """How many VPCs the region holds."""
    return sum(len(page["Vpcs"]) for page in ec2.get_paginator("describe_vpcs").paginate())


def internet_gateways(ec2: EC2Client) -> int:
    """How many internet gateways the region holds."""
    pages = ec2.get_paginator("describe_internet_gateways").paginate()
    return sum(len(page["InternetGateways"]) for page in pages)


def running_standard_vcpus(ec2: EC2Client) -> int:
    """vCPUs of pending and running On-Demand instances of the standard families (what L-1216C47A counts)."""
    types: list[str] = []
    pages = ec2.get_paginator("describe_instances").paginate(
        Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}]
    )
    for page in pages:
        for reservation in page["Reservations"]:
            types += [
                instance["InstanceType"]
                for instance in reservation["Instances"]
                if instance.get("InstanceLifecycle") != "spot"
                and is_standard_family(instance["InstanceType"])
            ]
    vcpus = vcpus_of_types(ec2, sorted(set(types)))
    return sum(vcpus[instance_type] for instance_type in types)


def vcpus_of_types(ec2: EC2Client, instance_types: Sequence[str]) -> dict[str, int]:
    """Instance type -> its vCPUs."""
    vcpus: dict[str, int] = {}
    for start in range(0, len(instance_types), 100):  # DescribeInstanceTypes takes 100 names a call
        batch = list(instance_types[start : start + 100])
        for info in ec2.describe_instance_types(InstanceTypes=batch)["InstanceTypes"]:  # type: ignore[arg-type]
            vcpus[info["InstanceType"]] = info["VCpuInfo"]["DefaultVCpus"]
    return vcpus


def is_standard_family(instance_type: str) -> bool:
    """Whether the instance type counts toward the standard on-demand vCPU quota."""
    return bool(_STANDARD_FAMILY.match(instance_type))
