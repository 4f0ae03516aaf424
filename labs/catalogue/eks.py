"""Amazon EKS's cluster: its control plane bills by the hour whether or not anything runs on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from labs.catalogue.entry import Hourly, Leftovers, ResourceType, Running
from labs.catalogue.reading import pages
from labs.cost.items import LineItem, RunningResource, line_item
from labs.cost.prices import PriceTable

if TYPE_CHECKING:
    from labs.catalogue.entry import Pricing, Properties, RegionReach

# a cluster bills from the moment it exists (EKS pricing page), until it is deleted
_BILLED_STATES = frozenset({"CREATING", "ACTIVE", "UPDATING", "FAILED", "PENDING"})
EXTENDED_SUPPORT_NOTE = "standard support; $0.60/h once its Kubernetes version is in extended support"


def _price(pricing: Pricing, logical_id: str, _props: Properties) -> Iterator[LineItem]:
    yield line_item(logical_id, "EKS cluster control plane", 1, pricing.prices.hourly("eks_cluster"))


def _running(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    eks = region.client("eks")
    for name in pages(eks, "list_clusters", "clusters"):
        cluster = eks.describe_cluster(name=name)["cluster"]
        if cluster.get("status") not in _BILLED_STATES:
            continue
        yield RunningResource(
            resource_type="",
            identifier=str(cluster.get("arn", name)),
            what=f"EKS cluster {name} (Kubernetes {cluster.get('version', '?')})",
            usd_per_hour=prices.hourly("eks_cluster"),
            since=cluster.get("createdAt"),
            tags=dict(cluster.get("tags", {})),
            vpc_id=str(cluster.get("resourcesVpcConfig", {}).get("vpcId", "")),
            note=EXTENDED_SUPPORT_NOTE,
            region=region.name,
        )


CLUSTER = ResourceType(
    cfn_type="AWS::EKS::Cluster",
    price=Hourly(_price),
    deploy_actions=(
        "eks:CreateCluster",
        "eks:DeleteCluster",
        "eks:DescribeCluster",
        "eks:UpdateClusterConfig",
        "eks:TagResource",
        "iam:PassRole",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
    ),
    leftovers=Leftovers(tag_arn="eks:cluster"),
    running=Running(sees="EKS clusters (their control plane)", reads="eks:ListClusters", scan=_running),
)
