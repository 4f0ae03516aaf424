"""Amazon EFS's file system (billed per GB-month stored), its mount targets and access points (free).

The spend guard sees file systems as it sees EBS volumes: storage that bills every hour it exists, whoever
made it, priced by the size EFS meters (the API reference's FileSystemSize: the latest known size, exact
once nothing has written for a couple of hours).

Deploy actions: the handlers' permissions in each type's CloudFormation resource schema (cfn-lint's copy of
AWS's registry schemas), cut to the properties the kit uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from labs.catalogue.entry import Free, Hourly, Leftovers, QuotaUse, ResourceType, Running
from labs.catalogue.reading import pages, probe, tags
from labs.cost.items import LineItem, RunningResource, line_item
from labs.cost.prices import CostError

if TYPE_CHECKING:
    from labs.catalogue.entry import Pricing, Properties, RegionReach
    from labs.cost.prices import PriceTable

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


def _running_file_systems(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    """Every file system, by the GiB it stores, all at the Standard price (Infrequent Access, Archive and One
    Zone cost less: a ceiling); provisioned throughput, which bills by the MiB/s, is not priced."""
    for found in pages(region.client("efs"), "describe_file_systems", "FileSystems"):
        file_system_id = str(found["FileSystemId"])
        gib = int(found.get("SizeInBytes", {}).get("Value", 0)) / 2**30
        mode = str(found.get("ThroughputMode", "bursting"))
        usd: float | None = None
        note = "the size EFS metered last; elastic throughput's GB moved are not counted"
        try:
            if mode == "provisioned":
                raise CostError(f"{file_system_id}: provisioned EFS throughput is not in the price table")
            usd = gib * prices.as_hourly(prices.storage("efs_standard", where=file_system_id))
        except CostError as error:
            note = str(error)
        yield RunningResource(
            resource_type="",  # the entry whose scan found it
            identifier=file_system_id,
            what=f"EFS file system of {gib:.3g} GiB ({mode} throughput)",
            usd_per_hour=usd,
            since=found.get("CreationTime"),
            tags=tags(found.get("Tags")),
            note=note,
            region=region.name,
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
    # no stop command: DeleteFileSystem refuses while mount targets exist; the console deletes both
    running=Running(
        sees="EFS file systems, by the GB they store",
        reads="elasticfilesystem:DescribeFileSystems",
        scan=_running_file_systems,
    ),
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
