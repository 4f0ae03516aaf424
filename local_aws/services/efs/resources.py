"""EFS in CloudFormation: file systems, mount targets and access points that a CDK template can create.

moto has models for the three types, but a CDK template breaks them: an access point has no physical id (its
Ref is moto's object, not fsap-...), neither it nor the file system answers Fn::GetAtt Arn (what a function's
FileSystemConfigs and its role's policy name), the file system's FileSystemPolicy is dropped, and a mount
target cannot be updated. Each type is taught to CloudFormation again over moto's own EFS backend, so the EFS
API shows what the stack made.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import backend, moto_name, original, replace
from local_aws.services.cloudformation.resource_types import ResourceRequest, cloudformation_type
from local_aws.services.efs import data

# CloudFormation's file system properties that only a new file system can change (replacement on AWS)
_IMMUTABLE = ("Encrypted", "KmsKeyId", "PerformanceMode", "AvailabilityZoneName")


@dataclass(frozen=True)
class Made:
    """A resource of the stack: its id, where it lives, and the properties it was made from."""

    resource_id: str
    account_id: str
    region: str
    properties: dict[str, Any]


def _efs(account_id: str, region: str) -> Any:
    return backend("efs", account_id, region)


def _tags(properties: dict[str, Any], key: str) -> list[dict[str, str]]:
    return [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in properties.get(key) or []]


def _create_file_system(request: ResourceRequest) -> Made:
    properties = request.properties
    efs = _efs(request.account_id, request.region)
    created = efs.create_file_system(
        request.name,
        performance_mode=properties.get("PerformanceMode", "generalPurpose"),
        encrypted=bool(properties.get("Encrypted", False)),
        kms_key_id=properties.get("KmsKeyId"),
        throughput_mode=properties.get("ThroughputMode", "bursting"),
        provisioned_throughput_in_mibps=properties.get("ProvisionedThroughputInMibps", 0),
        availability_zone_name=properties.get("AvailabilityZoneName"),
        backup=(properties.get("BackupPolicy") or {}).get("Status") == "ENABLED",
        tags=_tags(properties, "FileSystemTags"),
    )
    made = Made(created.file_system_id, request.account_id, request.region, properties)
    _apply_mutable(made, properties)
    return made


def _apply_mutable(made: Made, properties: dict[str, Any]) -> None:
    efs = _efs(made.account_id, made.region)
    file_system = efs.file_systems_by_id[made.resource_id]
    file_system.throughput_mode = properties.get("ThroughputMode", "bursting")
    file_system.provisioned_throughput_in_mibps = properties.get("ProvisionedThroughputInMibps", 0)
    file_system.lifecycle_policies = list(properties.get("LifecyclePolicies") or [])
    file_system.file_system_policy = (
        json.dumps(properties["FileSystemPolicy"]) if properties.get("FileSystemPolicy") else None
    )


def _update_file_system(made: Made, request: ResourceRequest) -> Made:
    changed = [key for key in _IMMUTABLE if made.properties.get(key) != request.properties.get(key)]
    if changed:
        raise ValueError(
            f"changing {', '.join(changed)} replaces a file system (a new, empty one) on AWS; the emulator "
            "does not replace it in place: cdk destroy the lab, then deploy it again"
        )
    efs = _efs(made.account_id, made.region)
    old_tags = {t["Key"] for t in _tags(made.properties, "FileSystemTags")}
    new_tags = _tags(request.properties, "FileSystemTags")
    efs.tagging_service.untag_resource_using_names(made.resource_id, sorted(old_tags))
    efs.tagging_service.tag_resource(made.resource_id, new_tags)
    updated = Made(made.resource_id, made.account_id, made.region, request.properties)
    _apply_mutable(updated, request.properties)
    return updated


def _create_mount_target(request: ResourceRequest) -> Made:
    properties = request.properties
    target = _efs(request.account_id, request.region).create_mount_target(
        file_system_id=properties["FileSystemId"],
        subnet_id=properties["SubnetId"],
        ip_address=properties.get("IpAddress"),
        security_groups=list(properties.get("SecurityGroups") or []),
    )
    return Made(target.mount_target_id, request.account_id, request.region, properties)


def _update_mount_target(made: Made, request: ResourceRequest) -> Made:
    """Security groups change in place; a new file system, subnet or address is a new mount target."""
    keys = ("FileSystemId", "SubnetId", "IpAddress")
    if any(made.properties.get(key) != request.properties.get(key) for key in keys):
        _efs(made.account_id, made.region).delete_mount_target(made.resource_id)
        return _create_mount_target(request)
    groups = list(request.properties.get("SecurityGroups") or [])
    _efs(made.account_id, made.region).modify_mount_target_security_groups(made.resource_id, groups)
    return Made(made.resource_id, made.account_id, made.region, request.properties)


def _create_access_point(request: ResourceRequest) -> Made:
    properties = request.properties
    point = _efs(request.account_id, request.region).create_access_point(
        client_token=properties.get("ClientToken") or request.name,
        tags=_tags(properties, "AccessPointTags"),
        file_system_id=properties["FileSystemId"],
        posix_user=_posix_user(properties.get("PosixUser")),
        root_directory=properties.get("RootDirectory") or {},
    )
    return Made(point.access_point_id, request.account_id, request.region, properties)


def _posix_user(posix_user: dict[str, Any] | None) -> dict[str, Any]:
    """The API's shape: numbers, as DescribeAccessPoints returns them (the template may hold strings)."""
    if not posix_user:
        return {}
    shaped: dict[str, Any] = {"Uid": int(posix_user["Uid"]), "Gid": int(posix_user["Gid"])}
    if posix_user.get("SecondaryGids"):
        shaped["SecondaryGids"] = [int(gid) for gid in posix_user["SecondaryGids"]]
    return shaped


def _arn(made: Made, kind: str) -> str:
    efs = _efs(made.account_id, made.region)
    if kind == "file-system":
        return str(efs.file_systems_by_id[made.resource_id].file_system_arn)
    return str(efs.access_points[made.resource_id].access_point_arn)


@parity_fix(
    "EFS in CloudFormation",
    moto_does="creates an access point whose Ref is not its id, answers no Fn::GetAtt Arn of an access point "
    "or file system, drops a file system's FileSystemPolicy and cannot update a mount target",
    aws_does="creates the file system, its mount targets and access points with their ids and ARNs, keeps "
    "the file system policy, changes a mount target's security groups in place, and deletes them with the "
    "stack (mount targets before their file system)",
)
def efs_in_cloudformation() -> None:
    """Patches moto: EFS in CloudFormation."""
    cloudformation_type(
        "AWS::EFS::FileSystem",
        create=_create_file_system,
        physical_id=lambda made: made.resource_id,
        attributes={
            "FileSystemId": lambda made: made.resource_id,
            "Arn": lambda made: _arn(made, "file-system"),
        },
        update=_update_file_system,
        delete=lambda made, account_id, region: _efs(account_id, region).delete_file_system(made.resource_id),
    )
    cloudformation_type(
        "AWS::EFS::MountTarget",
        create=_create_mount_target,
        physical_id=lambda made: made.resource_id,
        attributes={
            "Id": lambda made: made.resource_id,
            "IpAddress": lambda made: str(
                _efs(made.account_id, made.region).mount_targets_by_id[made.resource_id].ip_address
            ),
        },
        update=_update_mount_target,
        delete=lambda made, account_id, region: _efs(account_id, region).delete_mount_target(
            made.resource_id
        ),
    )
    cloudformation_type(
        "AWS::EFS::AccessPoint",
        create=_create_access_point,
        physical_id=lambda made: made.resource_id,
        attributes={
            "AccessPointId": lambda made: made.resource_id,
            "Arn": lambda made: _arn(made, "access-point"),
        },
        delete=lambda made, account_id, region: _efs(account_id, region).delete_access_point(
            made.resource_id
        ),
    )


@parity_fix(
    "a deleted file system's data goes with it",
    moto_does="keeps no data for a file system (its emulator folder would outlive it)",
    aws_does="deletes its data with it (DeleteFileSystem, EFS API reference: 'permanently severing access to "
    "its contents')",
)
def deleted_file_system_data_goes() -> None:
    """Patches moto: a deleted file system's data goes with it."""
    backend_class = moto_name("efs.EFSBackend")
    original_delete = original(backend_class, "delete_file_system")

    @functools.wraps(original_delete)
    def delete_file_system(self: Any, file_system_id: str) -> None:
        original_delete(self, file_system_id)
        data.remove_file_system(self.account_id, self.region_name, file_system_id)

    replace(backend_class, "delete_file_system", delete_file_system)


@parity_fix(
    "a file system meters what it stores",
    moto_does="reports every file system's SizeInBytes as 0",
    aws_does="reports the size of the data it stores (metered: the latest known size, not an exact one at "
    "every moment; EFS API reference, FileSystemSize), which is what EFS Standard bills per GB-month",
)
def file_system_meters_its_data() -> None:
    """Patches moto: a file system meters what it stores."""
    file_system_class = moto_name("efs.FileSystem")

    def size_in_bytes(self: Any) -> dict[str, Any]:
        region = str(self.file_system_arn).split(":")[3]
        stored = data.stored_bytes(str(self.owner_id), region, str(self.file_system_id))
        return {"Value": stored, "ValueInIA": 0, "ValueInStandard": stored, "Timestamp": time.time()}

    replace(file_system_class, "size_in_bytes", property(size_in_bytes))


FIXES: tuple[ParityFix, ...] = (
    efs_in_cloudformation,
    deleted_file_system_data_goes,
    file_system_meters_its_data,
)
