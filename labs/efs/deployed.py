"""LabEfs as deployed: its file system, mount targets, access point and functions, read from AWS, and the two
functions invoked. Shared by `labkit check LabEfs`; imports boto3's error type only, never the CDK."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from labs.catalogue.awslambda import FUNCTION
from labs.catalogue.efs import FILE_SYSTEM
from labs.constructs.function_facts import FUNCTION_ID
from labs.deployed.session import error_text, unless_gone
from labs.deployed.stack import DeployedStack
from labs.efs.spec import FUNCTIONS, NFS_PORT, SharedFilesRole

# the catalogue names the types and what EFS answers for a file system that is gone
FILE_SYSTEM_TYPE = FILE_SYSTEM.cfn_type


@dataclass
class MountingFunction:
    """One of the lab's functions: its role in the lab, name and configuration."""

    role: SharedFilesRole
    name: str
    configuration: dict[str, Any]

    @property
    def mounts(self) -> list[dict[str, str]]:
        return list(self.configuration.get("FileSystemConfigs") or [])

    @property
    def subnet_ids(self) -> list[str]:
        return list((self.configuration.get("VpcConfig") or {}).get("SubnetIds") or [])

    @property
    def security_group_ids(self) -> list[str]:
        return list((self.configuration.get("VpcConfig") or {}).get("SecurityGroupIds") or [])


@dataclass
class DeployedFileSystem:
    """The lab's file system as EFS describes it, its mount targets (and their groups) and access points."""

    description: dict[str, Any]
    mount_targets: list[dict[str, Any]] = field(default_factory=list)
    target_groups: dict[str, list[str]] = field(default_factory=dict)
    access_points: list[dict[str, Any]] = field(default_factory=list)

    @property
    def file_system_id(self) -> str:
        return str(self.description["FileSystemId"])


def lab_functions(
    lambda_client: Any, stack: DeployedStack
) -> tuple[list[MountingFunction], list[str], list[str]]:
    """(the functions found, the labels of those the stack does not list, `the <label> function <name>` of
    those it lists that were deleted by hand), each by its logical id's prefix."""
    found: list[MountingFunction] = []
    missing: list[str] = []
    gone: list[str] = []
    for role in FUNCTIONS:
        name = stack.physical_id(FUNCTION.cfn_type, logical_prefix=f"{role.construct_id}{FUNCTION_ID}")
        if not name:
            missing.append(role.label)
            continue
        configuration = unless_gone(lambda_client.get_function_configuration, FunctionName=name)
        if configuration is None:
            gone.append(f"the {role.label} function {name}")
            continue
        found.append(MountingFunction(role=role, name=str(name), configuration=configuration))
    return found, missing, gone


def shared_file_system(efs: Any, file_system_id: str) -> DeployedFileSystem | None:
    """The file system, its mount targets and access points; None when it no longer exists."""
    described = unless_gone(
        efs.describe_file_systems, gone_codes=FILE_SYSTEM.leftovers.gone_codes, FileSystemId=file_system_id
    )
    if not described or not described.get("FileSystems"):
        return None
    shared = DeployedFileSystem(description=described["FileSystems"][0])
    shared.mount_targets = efs.describe_mount_targets(FileSystemId=file_system_id).get("MountTargets", [])
    for target in shared.mount_targets:
        target_id = target["MountTargetId"]
        groups = efs.describe_mount_target_security_groups(MountTargetId=target_id).get("SecurityGroups", [])
        shared.target_groups[target_id] = list(groups)
    shared.access_points = efs.describe_access_points(FileSystemId=file_system_id).get("AccessPoints", [])
    return shared


def subnet_zones(ec2: Any, subnet_ids: list[str]) -> dict[str, str]:
    """Subnet id -> its availability zone."""
    if not subnet_ids:
        return {}
    subnets = ec2.describe_subnets(SubnetIds=sorted(set(subnet_ids)))["Subnets"]
    return {subnet["SubnetId"]: subnet["AvailabilityZone"] for subnet in subnets}


def nfs_sources(ec2: Any, group_ids: list[str]) -> list[str]:
    """Who the groups let in on NFS (TCP 2049): source group ids and CIDRs, each once."""
    if not group_ids:
        return []
    sources: list[str] = []
    for group in ec2.describe_security_groups(GroupIds=sorted(set(group_ids)))["SecurityGroups"]:
        for permission in group.get("IpPermissions", []):
            protocol = str(permission.get("IpProtocol"))
            low, high = permission.get("FromPort", 0), permission.get("ToPort", 65535)
            if protocol == "-1" or (protocol in ("tcp", "6") and low <= NFS_PORT <= high):
                sources += [pair["GroupId"] for pair in permission.get("UserIdGroupPairs", [])]
                sources += [cidr["CidrIp"] for cidr in permission.get("IpRanges", [])]
                sources += [cidr["CidrIpv6"] for cidr in permission.get("Ipv6Ranges", [])]
    return sorted(set(sources))


@dataclass(frozen=True)
class Answer:
    """One invocation of a lab function: its answer, or the error Lambda or the function gave."""

    payload: dict[str, Any] | None
    error: str = ""
    error_code: str = ""


def invoke(lambda_client: Any, function_name: str, event: dict[str, Any]) -> Answer:
    """Invoke a function with an event; never raises for what Lambda or the function answers."""
    try:
        answer = lambda_client.invoke(FunctionName=function_name, Payload=json.dumps(event).encode())
    except ClientError as error:
        return Answer(None, error_text(error), str(error.response.get("Error", {}).get("Code", "")))
    payload = json.loads(answer["Payload"].read() or b"null")
    if answer.get("FunctionError"):
        message = payload.get("errorMessage", "") if isinstance(payload, dict) else str(payload)
        kind = payload.get("errorType", "Error") if isinstance(payload, dict) else "Error"
        return Answer(None, f"{kind}: {message}", str(kind))
    return Answer(payload if isinstance(payload, dict) else {"answer": payload})
