"""What the account already uses of each quota, read from EC2."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

# "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances": families by their leading letters;
# inf, trn, hpc, dl, mac and u- start with those letters but count against quotas of their own
_STANDARD_FAMILY = re.compile(r"^([acdhmrtz]\d|i\d|im\d|is\d)")


def nothing_reserved(_ec2: EC2Client) -> int:
    """Lambda's concurrency in use cannot be read ahead of a class: count none, compare the class's need."""
    return 0


def efs_file_systems(efs: Any) -> int:
    """How many EFS file systems the region holds."""
    return sum(len(page["FileSystems"]) for page in efs.get_paginator("describe_file_systems").paginate())


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
    return _vcpus(ec2, _running_standard_types(ec2, spot=False))


def standard_spot_vcpus(ec2: EC2Client) -> int:
    """vCPUs of pending and running Spot instances of the standard families, and of open Spot requests for
    them (what L-34B43A08 counts: EC2 user guide, "Spot Instance quotas")."""
    types = _running_standard_types(ec2, spot=True)
    pages = ec2.get_paginator("describe_spot_instance_requests").paginate(
        Filters=[{"Name": "state", "Values": ["open"]}]
    )
    for page in pages:
        for request in page["SpotInstanceRequests"]:
            instance_type = request.get("LaunchSpecification", {}).get("InstanceType", "")
            if is_standard_family(instance_type):
                types.append(instance_type)
    return _vcpus(ec2, types)


def _running_standard_types(ec2: EC2Client, *, spot: bool) -> list[str]:
    types: list[str] = []
    pages = ec2.get_paginator("describe_instances").paginate(
        Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}]
    )
    for page in pages:
        for reservation in page["Reservations"]:
            types += [
                instance["InstanceType"]
                for instance in reservation["Instances"]
                if (instance.get("InstanceLifecycle") == "spot") == spot
                and is_standard_family(instance["InstanceType"])
            ]
    return types


def _vcpus(ec2: EC2Client, types: list[str]) -> int:
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
