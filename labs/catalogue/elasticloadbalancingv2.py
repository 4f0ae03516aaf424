"""Elastic Load Balancing's current load balancers (application, network, gateway) and their parts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from labs.catalogue.entry import Free, Hourly, Leftovers, ResourceType, Running
from labs.catalogue.reading import pages
from labs.cost.items import LineItem, RunningResource, line_item
from labs.cost.prices import CostError, PriceTable

if TYPE_CHECKING:
    from labs.catalogue.entry import Pricing, Properties, RegionReach

# the hourly price item of each load balancer type (before capacity units, which bill by use)
_HOURLY_ITEM = {
    "application": "load_balancer",
    "network": "load_balancer",
    "gateway": "gateway_load_balancer",
}


def hourly_item(kind: str, *, where: str) -> str:
    """The price table's item for a load balancer type; CostError for a type it does not know."""
    if kind not in _HOURLY_ITEM:
        raise CostError(f"{where}: load balancer type {kind!r} is not in the price table")
    return _HOURLY_ITEM[kind]


def _price(pricing: Pricing, logical_id: str, props: Properties) -> Iterator[LineItem]:
    kind = str(props.get("Type", "application"))
    prices = pricing.prices
    yield line_item(
        logical_id,
        f"{kind} load balancer (before LCUs)",
        1,
        prices.hourly(hourly_item(kind, where=logical_id)),
    )
    if props.get("Scheme", "internet-facing") == "internet-facing":
        azs = len(props.get("Subnets", [])) or len(props.get("SubnetMappings", []))
        yield line_item(
            logical_id, "public IPv4 of the load balancer (per AZ)", azs, prices.hourly("public_ipv4")
        )


def _running(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    for balancer in pages(region.client("elbv2"), "describe_load_balancers", "LoadBalancers"):
        kind = str(balancer.get("Type", "application"))
        arn = balancer["LoadBalancerArn"]
        try:
            usd: float | None = prices.hourly(hourly_item(kind, where=arn))
            note = ""
        except CostError as error:
            usd, note = None, str(error)
        if usd is not None and balancer.get("Scheme") == "internet-facing":
            usd += len(balancer.get("AvailabilityZones", [])) * prices.hourly("public_ipv4")
        yield RunningResource(
            resource_type="",
            identifier=arn,
            what=f"{kind} load balancer {balancer.get('LoadBalancerName', '')}",
            usd_per_hour=usd,
            since=balancer.get("CreatedTime"),
            vpc_id=balancer.get("VpcId", ""),
            note=note,
            region=region.name,
        )


LOAD_BALANCER = ResourceType(
    cfn_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    price=Hourly(_price),
    deploy_actions=(
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:AddTags",
    ),
    leftovers=Leftovers(tag_arn="elasticloadbalancing:loadbalancer"),
    running=Running(
        sees="application, network and gateway load balancers",
        reads="elasticloadbalancing:DescribeLoadBalancers",
        scan=_running,
        stop="aws elbv2 delete-load-balancer --load-balancer-arn {id}",
    ),
)
LISTENER = ResourceType(
    cfn_type="AWS::ElasticLoadBalancingV2::Listener",
    price=Free(),
    deploy_actions=(
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:ModifyListener",
    ),
    leftovers=Leftovers(goes_with="a listener of its load balancer, deleted with it"),
    tagged=False,
)
LISTENER_RULE = ResourceType(
    cfn_type="AWS::ElasticLoadBalancingV2::ListenerRule",
    price=Free(),
    deploy_actions=(
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:ModifyRule",
    ),
    leftovers=Leftovers(goes_with="a rule of its listener, deleted with it"),
    tagged=False,
)
TARGET_GROUP = ResourceType(
    cfn_type="AWS::ElasticLoadBalancingV2::TargetGroup",
    price=Free(),
    deploy_actions=(
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
    ),
    leftovers=Leftovers(tag_arn="elasticloadbalancing:targetgroup"),
)
