"""Amazon EFS's file system (billed per GB-month stored), its mount targets and access points (free).

Deploy actions: the handlers' permissions in each type's CloudFormation resource schema (cfn-lint's copy of
AWS's registry schemas), cut to the properties the kit uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from labs.catalogue.entry import Free, Hourly, Leftovers, QuotaUse, ResourceType
from labs.catalogue.reading import probe
from labs.cost.items import LineItem, line_item
from labs.cost.prices import CostError

if TYPE_CHECKING:
    from labs.catalogue.entry import Pricing, Properties

FILE_SYSTEM_TYPE = "AWS::EFS::FileSystem"


def _price_file_system(pricing: Pricing, logical_id: str, props: Properties) -> Iterator[LineItem]:
    """EFS bills the GB it stores (empty at deploy); elastic throughput would bill each GB moved too, and
    provisioned throughput by the MiB/s, which the table does not price: refused, not guessed."""
    mode = str(props.get("ThroughputMode", "bursting"))
    if mode == "provisioned":
        raise CostError(f"{logical_id}: provisioned EFS throughput is not in the price table")
    per_gb_month = pricing.prices.storage("efs_standard", where=logical_id)
    moved = "; elastic throughput also bills each GB read or written" if mode == "elastic" else ""
    yield line_item(
        logical_id,
        f"EFS Standard storage, ${per_gb_month:.2f} per GB-month stored: empty at deploy, a lab's "
        f"kilobytes round to $0{moved}",
        0,
        pricing.prices.as_hourly(per_gb_month),
    )


FILE_SYSTEM = ResourceType(
    cfn_type=FILE_SYSTEM_TYPE,
    price=Hourly(_price_file_system),
    deploy_actions=(
        "elasticfilesystem:CreateFileSystem",
        "elasticfilesystem:DeleteFileSystem",
        "elasticfilesystem:DescribeFileSystems",
        "elasticfilesystem:PutFileSystemPolicy",
        "elasticfilesystem:PutBackupPolicy",
        "elasticfilesystem:TagResource",
    ),
    leftovers=Leftovers(
        tag_arn="elasticfilesystem:file-system",
        exists=probe("efs", "describe_file_systems", "FileSystemId"),
        gone_codes=frozenset({"FileSystemNotFound"}),
    ),
    quota=QuotaUse("elasticfilesystem", "L-848C634D"),
)
MOUNT_TARGET = ResourceType(
    cfn_type="AWS::EFS::MountTarget",
    price=Free(),
    deploy_actions=(
        "elasticfilesystem:CreateMountTarget",
        "elasticfilesystem:DeleteMountTarget",
        "elasticfilesystem:DescribeMountTargets",
        "elasticfilesystem:ModifyMountTargetSecurityGroups",
    ),
    leftovers=Leftovers(
        goes_with="a mount target of its file system: DeleteFileSystem refuses while it exists"
    ),
    tagged=False,
)
ACCESS_POINT = ResourceType(
    cfn_type="AWS::EFS::AccessPoint",
    price=Free(),
    deploy_actions=(
        "elasticfilesystem:CreateAccessPoint",
        "elasticfilesystem:DeleteAccessPoint",
        "elasticfilesystem:DescribeAccessPoints",
        "elasticfilesystem:TagResource",
    ),
    leftovers=Leftovers(
        tag_arn="elasticfilesystem:access-point",
        exists=probe("efs", "describe_access_points", "AccessPointId"),
        gone_codes=frozenset({"AccessPointNotFound"}),
    ),
)
