"""What a Lambda function mounts (its FileSystemConfigs), and how Lambda refuses one it cannot reach.

Lambda checks a configuration when it is set (CreateFunction, UpdateFunctionConfiguration, CloudFormation):
the function must run in a VPC, and the file system needs a mount target in every zone of the function's
subnets; each refusal is an InvalidParameterValueException, in Lambda's words as CloudFormation reports
them. At invocation it mounts: a mount target its security groups cannot reach on NFS is an
EFSMountConnectivityException (HTTP 408), an access point EFS refuses to mount through (gone, or a root
directory that does not exist and cannot be created) an EFSMountFailureException (HTTP 403), as the Invoke API
reference and the Knowledge Center ("lambda-invoke-efs") describe them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from local_aws.moto_bridge import backend
from local_aws.services.efs import data
from local_aws.services.efs.network import Endpoint, reaches_nfs, rules_of

# Lambda's file system configuration, as the Lambda API and CloudFormation name its fields
ARN, LOCAL_MOUNT_PATH = "Arn", "LocalMountPath"
# where the emulator keeps a function's FileSystemConfigs on moto's function model (moto has no field for it)
_CONFIGS_ATTRIBUTE = "labkit_file_system_configs"
CONNECTIVITY = ("EFSMountConnectivityException", 408)
MOUNT_FAILURE = ("EFSMountFailureException", 403)


class ConfigurationRefusedError(ValueError):
    """Lambda refuses a function's file system configuration (an InvalidParameterValueException)."""


@dataclass(frozen=True)
class MountError(RuntimeError):
    """Lambda could not mount a function's file system at invocation: the Invoke API's error."""

    code: str
    message: str
    status: int

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class Mounted:
    """One file system a function mounts: where it sees it, the folder on this machine, what it may do."""

    local_path: str
    host_dir: Any
    access: str


@dataclass(frozen=True)
class _AccessPoint:
    account_id: str
    region: str
    moto: Any
    file_system: Any


def file_system_configs(function: Any) -> list[dict[str, str]]:
    """A function's FileSystemConfigs (`[{"Arn", "LocalMountPath"}]`), empty when it mounts nothing."""
    return list(getattr(function, _CONFIGS_ATTRIBUTE, None) or [])


def keep_file_system_configs(function: Any, configs: list[dict[str, str]]) -> None:
    """Remember a function's FileSystemConfigs on moto's model of it (copied with its published versions)."""
    setattr(function, _CONFIGS_ATTRIBUTE, list(configs))


def _access_point(arn: str) -> _AccessPoint | None:
    parts = arn.split(":")
    if len(parts) < 6 or not parts[5].startswith("access-point/"):
        return None
    region, account_id, access_point_id = parts[3], parts[4], parts[5].split("/", 1)[1]
    efs = backend("efs", account_id, region)
    found = efs.access_points.get(access_point_id)
    if found is None:
        return None
    return _AccessPoint(account_id, region, found, efs.file_systems_by_id.get(found.file_system_id))


def _subnets(account_id: str, region: str, vpc_config: dict[str, Any] | None) -> list[Any]:
    ec2 = backend("ec2", account_id, region)
    return [ec2.get_subnet(subnet_id) for subnet_id in (vpc_config or {}).get("SubnetIds") or []]


def check_configuration(
    configs: Sequence[dict[str, str]], vpc_config: dict[str, Any] | None, *, account_id: str, region: str
) -> None:
    """Refuse what Lambda refuses when a function's FileSystemConfigs are set: ConfigurationRefusedError."""
    for config in configs:
        arn = config.get(ARN, "")
        subnets = _subnets(account_id, region, vpc_config)
        if not subnets:
            raise ConfigurationRefusedError(
                f"Function must be configured to execute in a VPC to reference access point {arn}."
            )
        found = _access_point(arn)
        if found is None or found.file_system is None:
            # the emulator's words: the access point must exist when the function references it
            raise ConfigurationRefusedError(f"The access point {arn} does not exist.")
        covered = {target.availability_zone_name for target in found.file_system.iter_mount_targets()}
        if {subnet.availability_zone for subnet in subnets} - covered:
            raise ConfigurationRefusedError(
                f"EFS file system {found.file_system.file_system_arn} referenced by access point {arn} does "
                "not have mount targets created in all availability zones the function will execute in. "
                "Please create EFS mount targets in availability zones where the function has a "
                "corresponding subnet provided."
            )


def function_mounts(
    configs: Sequence[dict[str, str]], vpc_config: dict[str, Any] | None, *, account_id: str, region: str
) -> list[Mounted]:
    """Mount each of a function's file systems as Lambda does at invocation; MountError when it cannot."""
    mounted = []
    for config in configs:
        arn, local_path = config.get(ARN, ""), config.get(LOCAL_MOUNT_PATH, "")
        found = _access_point(arn)
        if found is None or found.file_system is None:
            raise MountError(*_failure(f"The access point {arn} does not exist."))
        subnets = _subnets(account_id, region, vpc_config)
        _connect(found, subnets, list((vpc_config or {}).get("SecurityGroupIds") or []), arn)
        root = found.moto.root_directory or {}
        creation = root.get("CreationInfo")
        try:
            folder, owner = data.root_directory(
                found.account_id,
                found.region,
                found.file_system.file_system_id,
                path=str(root.get("Path") or "/"),
                creation=_owner(creation) if creation else None,
            )
        except data.MountRefusedError as error:
            raise MountError(*_failure(f"{arn}: {error}")) from None
        mounted.append(Mounted(local_path, folder, data.access(owner, _identity(found.moto.posix_user))))
    return mounted


def _failure(message: str) -> tuple[str, str, int]:
    code, status = MOUNT_FAILURE
    return code, message, status


def _connect(found: _AccessPoint, subnets: list[Any], group_ids: list[str], arn: str) -> None:
    """Every zone the function runs in reaches its mount target on NFS, or the invocation fails."""
    ec2 = backend("ec2", found.account_id, found.region)
    targets = {target.availability_zone_name: target for target in found.file_system.iter_mount_targets()}
    code, status = CONNECTIVITY
    for subnet in subnets:
        target = targets.get(subnet.availability_zone)
        client = _endpoint(ec2, group_ids, str(subnet.cidr_block))
        if target is None or not reaches_nfs(
            client, _endpoint(ec2, list(target.security_groups or []), f"{target.ip_address}/32")
        ):
            where = f"mount target {target.mount_target_id}" if target else "no mount target"
            raise MountError(
                code,
                f"The function couldn't connect to the Amazon EFS file system with access point {arn} "
                f"from {subnet.id} ({subnet.availability_zone}, {where}): NFS (TCP 2049) must be allowed out "
                "by the function's security groups and in by the mount target's.",
                status,
            )


def _endpoint(ec2: Any, group_ids: list[str], network: str) -> Endpoint:
    groups = [group for group_id in group_ids if (group := ec2.get_security_group_from_id(group_id))]
    return Endpoint(
        group_ids=tuple(group_ids),
        ingress=tuple(rule for group in groups for rule in rules_of(group.ingress_rules)),
        egress=tuple(rule for group in groups for rule in rules_of(group.egress_rules)),
        network=str(ipaddress.ip_network(network, strict=False)),
    )


def _owner(creation: dict[str, Any]) -> data.Owner:
    return data.Owner(
        uid=int(creation["OwnerUid"]),
        gid=int(creation["OwnerGid"]),
        mode=int(str(creation["Permissions"]), 8),
    )


def _identity(posix_user: dict[str, Any] | None) -> data.PosixIdentity:
    if not posix_user or "Uid" not in posix_user:
        # Lambda's own user, neither root nor the directory's owner (without a POSIX user writes fail)
        return data.PosixIdentity(uid=None, gid=None)
    secondary = tuple(int(gid) for gid in posix_user.get("SecondaryGids") or [])
    return data.PosixIdentity(
        uid=int(posix_user["Uid"]), gid=int(posix_user["Gid"]), secondary_gids=secondary
    )
