"""Elastic Load Balancing's Classic Load Balancer: billed by the hour, as its successors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from labs.catalogue.entry import Hourly, Leftovers, ResourceType, Running
from labs.catalogue.reading import names, pages
from labs.cost.items import LineItem, RunningResource, line_item
from labs.cost.prices import PriceTable

if TYPE_CHECKING:
    from labs.catalogue.entry import Pricing, Properties, RegionReach


def _price(pricing: Pricing, logical_id: str, props: Properties) -> Iterator[LineItem]:
    prices = pricing.prices
    yield line_item(logical_id, "Classic Load Balancer", 1, prices.hourly("classic_load_balancer"))
    if props.get("Scheme", "internet-facing") == "internet-facing":
        azs = len(props.get("Subnets", [])) or len(props.get("AvailabilityZones", []))
        yield line_item(
            logical_id, "public IPv4 of the load balancer (per AZ)", azs, prices.hourly("public_ipv4")
        )


def _running(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    for balancer in pages(region.client("elb"), "describe_load_balancers", "LoadBalancerDescriptions"):
        usd = prices.hourly("classic_load_balancer")
        if balancer.get("Scheme") == "internet-facing":
            usd += len(balancer.get("AvailabilityZones", [])) * prices.hourly("public_ipv4")
        yield RunningResource(
            resource_type="",
            identifier=str(balancer["LoadBalancerName"]),
            what=f"Classic Load Balancer {balancer['LoadBalancerName']}",
            usd_per_hour=usd,
            since=balancer.get("CreatedTime"),
            vpc_id=balancer.get("VPCId", ""),
            region=region.name,
        )


CLASSIC_LOAD_BALANCER = ResourceType(
    cfn_type="AWS::ElasticLoadBalancing::LoadBalancer",
    price=Hourly(_price),
    deploy_actions=(
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RegisterInstancesWithLoadBalancer",
    ),
    # its ARNs start as the newer load balancers' do (loadbalancer/...): found by its generated name
    leftovers=Leftovers(
        names=names("elb", "describe_load_balancers", "LoadBalancerDescriptions", "LoadBalancerName")
    ),
    running=Running(
        sees="Classic Load Balancers",
        reads="elasticloadbalancing:DescribeLoadBalancers",
        scan=_running,
        stop="aws elb delete-load-balancer --load-balancer-name {id}",
    ),
)
