"""Hourly cost of a synthesized template: a line item for each thing billed by the hour, the rest by use."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from labs.cost.per_run import PerRun, per_run_costs
from labs.cost.prices import CostError, PriceTable
from labs.cost.resources import (
    AUTO_SCALING_GROUP,
    ELASTIC_IP,
    INSTANCE,
    Disk,
    Machines,
    Properties,
    TemplateResources,
    literal_int,
    referenced_id,
    volume_disk,
)

# AWS never bills these by themselves: network plumbing, permissions, wiring between resources
FREE_TYPES = frozenset(
    {
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::AutoScaling::LaunchConfiguration",
        "AWS::AutoScaling::LifecycleHook",
        "AWS::AutoScaling::ScalingPolicy",
        "AWS::AutoScaling::ScheduledAction",
        "AWS::CDK::Metadata",
        "AWS::CloudFormation::CustomResource",
        "AWS::CloudFormation::WaitCondition",
        "AWS::CloudFormation::WaitConditionHandle",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::EIPAssociation",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::KeyPair",
        "AWS::EC2::LaunchTemplate",
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::NetworkAclEntry",
        "AWS::EC2::PlacementGroup",
        "AWS::EC2::PrefixList",
        "AWS::EC2::Route",
        "AWS::EC2::RouteTable",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::Subnet",
        "AWS::EC2::SubnetNetworkAclAssociation",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::VolumeAttachment",
        "AWS::EC2::VPC",
        "AWS::EC2::VPCCidrBlock",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::Lambda::EventInvokeConfig",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::Permission",
        "AWS::Logs::MetricFilter",
        "AWS::Logs::ResourcePolicy",
        "AWS::Logs::SubscriptionFilter",
        "AWS::S3::BucketPolicy",
        "AWS::Scheduler::ScheduleGroup",
        "AWS::SNS::Subscription",
        "AWS::SNS::TopicPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::SSM::Parameter",
    }
)
FREE_PREFIXES = ("AWS::IAM::", "Custom::")

# $0 while idle: billed per request, per GB stored or per execution, which a lab at rest does not use
USAGE_BASED_TYPES = frozenset(
    {
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGatewayV2::Api",
        "AWS::EC2::FlowLog",
        "AWS::ECR::Repository",
        "AWS::Events::EventBus",
        "AWS::Events::Rule",
        "AWS::FIS::ExperimentTemplate",
        "AWS::Lambda::Function",
        "AWS::Lambda::LayerVersion",
        "AWS::Logs::LogGroup",
        "AWS::S3::Bucket",
        "AWS::Scheduler::Schedule",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
        "AWS::StepFunctions::Activity",
        "AWS::StepFunctions::StateMachine",
    }
)


@dataclass(frozen=True, kw_only=True)
class LineItem:
    """One thing billed by the hour: `quantity` of `what`, costing `usd_per_hour` in all."""

    logical_id: str
    what: str
    quantity: float
    usd_per_hour: float
    # Spot instances: what the same instances would cost on-demand (None: the item is on-demand already)
    on_demand_usd_per_hour: float | None = None
    # a group that capacity rebalancing takes to its maximum during an interruption (None: no such group)
    at_most_usd_per_hour: float | None = None


@dataclass(frozen=True, kw_only=True)
class UsageBased:
    """A resource that costs nothing while the lab is idle (requests, storage, executions)."""

    logical_id: str
    resource_type: str


@dataclass(frozen=True, kw_only=True)
class TemplateCost:
    """What a template costs: its priced line items and what is priced by use."""

    items: tuple[LineItem, ...]
    usage_based: tuple[UsageBased, ...]
    per_run: tuple[PerRun, ...] = ()

    @property
    def usd_per_hour(self) -> float:
        return sum(item.usd_per_hour for item in self.items)

    @property
    def at_most_usd_per_hour(self) -> float:
        """The hourly cost while every rebalancing group is at its maximum."""
        return sum(
            item.usd_per_hour if item.at_most_usd_per_hour is None else item.at_most_usd_per_hour
            for item in self.items
        )

    @property
    def on_demand_usd_per_hour(self) -> float:
        """The same template with its Spot instances bought on-demand instead."""
        return sum(
            item.usd_per_hour if item.on_demand_usd_per_hour is None else item.on_demand_usd_per_hour
            for item in self.items
        )

    @property
    def has_spot(self) -> bool:
        return any(item.on_demand_usd_per_hour is not None for item in self.items)

    def usage_summary(self) -> str:
        """The usage-based resources grouped by type, with a count where there is more than one."""
        counts = Counter(usage.resource_type.removeprefix("AWS::") for usage in self.usage_based)
        return ", ".join(f"{kind} ×{n}" if n > 1 else kind for kind, n in sorted(counts.items()))


class _Pricer:
    """Prices one template's resources against one price table."""

    def __init__(self, template: Mapping[str, Any], prices: PriceTable) -> None:
        self.resources = TemplateResources(template)
        self.prices = prices
        self.machines = {machines.logical_id: machines for machines in self.resources.machines()}
        self.elastic_ip_targets = self.resources.elastic_ip_targets()
        self.by_type: dict[str, Callable[[str, Properties], Iterator[LineItem]]] = {
            INSTANCE: self._machines,
            AUTO_SCALING_GROUP: self._machines,
            "AWS::EC2::Volume": self._volume,
            ELASTIC_IP: self._elastic_ip,
            "AWS::EC2::NatGateway": self._nat_gateway,
            "AWS::EC2::VPCEndpoint": self._vpc_endpoint,
            "AWS::ElasticLoadBalancingV2::LoadBalancer": self._load_balancer,
            "AWS::DynamoDB::Table": self._provisioned_table,
            # an alias or version is free, unless it keeps environments provisioned
            "AWS::Lambda::Alias": self._provisioned_concurrency,
            "AWS::Lambda::Version": self._provisioned_concurrency,
            "AWS::CloudWatch::Alarm": self._monthly_fee("cloudwatch_alarm", "CloudWatch alarm"),
            "AWS::KMS::Key": self._monthly_fee("kms_key", "KMS customer managed key"),
            "AWS::SecretsManager::Secret": self._monthly_fee("secret", "Secrets Manager secret"),
        }

    def price(self) -> TemplateCost:
        items: list[LineItem] = []
        usage_based: list[UsageBased] = []
        for logical_id, resource in self.resources.resources.items():
            resource_type = str(resource.get("Type"))
            if resource_type in self.by_type:
                items.extend(self.by_type[resource_type](logical_id, resource.get("Properties", {})))
            if resource_type in USAGE_BASED_TYPES or self._is_on_demand_table(resource_type, resource):
                usage_based.append(UsageBased(logical_id=logical_id, resource_type=resource_type))
            elif resource_type not in self.by_type and not _is_free(resource_type):
                raise CostError(
                    f"{logical_id}: resource type {resource_type} is unknown to the cost calculator; "
                    "price it or list it as free or usage-based in labs/cost/calculator.py"
                )
        return TemplateCost(items=tuple(items), usage_based=tuple(usage_based))

    def _machines(self, logical_id: str, props: Properties) -> Iterator[LineItem]:
        items = list(self._machine_items(logical_id))
        machines = self.machines[logical_id]
        # capacity rebalancing launches the replacement before the warned instance goes (up to MaxSize)
        if machines.spot_count and str(props.get("CapacityRebalance", "")).lower() == "true":
            scale = machines.max_count / machines.count
            items = [replace(item, at_most_usd_per_hour=item.usd_per_hour * scale) for item in items]
        yield from items

    def _machine_items(self, logical_id: str) -> Iterator[LineItem]:
        machines = self.machines[logical_id]
        where = f"{logical_id} ({machines.instance_type})"
        unit = self.prices.instance(machines.instance_type, where=where).usd_per_hour
        in_group = self.resources.resources[logical_id].get("Type") == AUTO_SCALING_GROUP
        group = " (desired capacity)" if in_group else ""
        on_demand = machines.count - machines.spot_count
        if on_demand:
            yield self._item(logical_id, f"{machines.instance_type} instance{group}", on_demand, unit)
        if machines.spot_count:
            yield self._spot_item(logical_id, machines)
        for disk in machines.disks:
            yield self._item(
                logical_id, disk.describe(), machines.count, self._disk_hourly(disk, where=where)
            )
        if machines.public_ipv4:
            yield self._item(logical_id, "auto-assigned public IPv4", machines.count, self._public_ipv4)

    def _spot_item(self, logical_id: str, machines: Machines) -> LineItem:
        """Spot instances of any of the group's types, counted at the dearest type's Spot price (the
        allocation strategy may pick any pool), beside the same instances on-demand."""
        where = f"{logical_id} (Spot)"
        spot = {name: self.prices.spot(name, where=where) for name in machines.spot_types}
        on_demand = {
            name: self.prices.instance(name, where=where).usd_per_hour for name in machines.spot_types
        }
        dearest = max(spot, key=lambda name: spot[name].usd_per_hour_high)
        low = min(price.usd_per_hour_low for price in spot.values())
        high = spot[dearest].usd_per_hour_high
        what = (
            f"Spot instance ({'/'.join(machines.spot_types)}): ${low:.4f}-{high:.4f}/h, counted at the "
            f"dearest; on-demand ${min(on_demand.values()):.4f}-{max(on_demand.values()):.4f}/h"
        )
        return LineItem(
            logical_id=logical_id,
            what=what,
            quantity=machines.spot_count,
            usd_per_hour=machines.spot_count * high,
            on_demand_usd_per_hour=machines.spot_count * on_demand[dearest],
        )

    def _volume(self, logical_id: str, props: Properties) -> Iterator[LineItem]:
        disk = volume_disk(logical_id, props)
        yield self._item(
            logical_id,
            disk.describe(),
            1,
            self._disk_hourly(disk, where=logical_id),
        )

    def _elastic_ip(self, logical_id: str, _props: Properties) -> Iterator[LineItem]:
        target = self.elastic_ip_targets.get(logical_id)
        what = f"public IPv4: Elastic IP of {target}" if target else "public IPv4: unattached Elastic IP"
        yield self._item(logical_id, what, 1, self._public_ipv4)

    def _nat_gateway(self, logical_id: str, _props: Properties) -> Iterator[LineItem]:
        yield self._item(logical_id, "NAT gateway", 1, self.prices.hourly("nat_gateway"))

    def _vpc_endpoint(self, logical_id: str, props: Properties) -> Iterator[LineItem]:
        if props.get("VpcEndpointType", "Gateway") == "Gateway":  # S3 and DynamoDB gateway endpoints are free
            return
        azs = len(props.get("SubnetIds", []))
        if azs == 0:
            raise CostError(
                f"{logical_id}: an interface VPC endpoint without SubnetIds cannot be priced per AZ"
            )
        yield self._item(
            logical_id,
            "interface VPC endpoint (per AZ)",
            azs,
            self.prices.hourly("interface_endpoint_per_az"),
        )

    def _load_balancer(self, logical_id: str, props: Properties) -> Iterator[LineItem]:
        kind = props.get("Type", "application")
        if kind not in ("application", "network"):
            raise CostError(f"{logical_id}: load balancer type {kind!r} is not in the price table")
        yield self._item(
            logical_id, f"{kind} load balancer (before LCUs)", 1, self.prices.hourly("load_balancer")
        )
        if props.get("Scheme", "internet-facing") == "internet-facing":
            azs = len(props.get("Subnets", [])) or len(props.get("SubnetMappings", []))
            yield self._item(logical_id, "public IPv4 of the load balancer (per AZ)", azs, self._public_ipv4)

    def _provisioned_table(self, logical_id: str, props: Properties) -> Iterator[LineItem]:
        if props.get("BillingMode") == "PAY_PER_REQUEST":
            return
        throughputs = [props.get("ProvisionedThroughput", {})]
        throughputs += [
            index.get("ProvisionedThroughput", {}) for index in props.get("GlobalSecondaryIndexes", [])
        ]
        where = f"{logical_id} ProvisionedThroughput"
        reads = sum(literal_int(t.get("ReadCapacityUnits", 0), where=where) for t in throughputs)
        writes = sum(literal_int(t.get("WriteCapacityUnits", 0), where=where) for t in throughputs)
        yield self._item(
            logical_id,
            "DynamoDB read capacity units",
            reads,
            self.prices.hourly("dynamodb_read_capacity_unit"),
        )
        yield self._item(
            logical_id,
            "DynamoDB write capacity units",
            writes,
            self.prices.hourly("dynamodb_write_capacity_unit"),
        )

    def _provisioned_concurrency(self, logical_id: str, props: Properties) -> Iterator[LineItem]:
        config = props.get("ProvisionedConcurrencyConfig") or {}
        where = f"{logical_id} ProvisionedConcurrencyConfig"
        environments = literal_int(config.get("ProvisionedConcurrentExecutions", 0), where=where)
        if not environments:
            return
        function = self.resources.of_type("AWS::Lambda::Function").get(
            referenced_id(props.get("FunctionName")) or ""
        )
        if function is None:
            raise CostError(f"{where}: its function is not in the template, so its memory is unknown")
        memory_mb = literal_int(function.get("MemorySize", 128), where=f"{logical_id}'s function MemorySize")
        architecture = (function.get("Architectures") or ["x86_64"])[0]
        unit = self.prices.provisioned_concurrency(
            memory_mb=memory_mb, architecture=architecture, where=where
        )
        yield self._item(
            logical_id,
            f"Lambda provisioned concurrency ({memory_mb} MB, {architecture}), billed invoked or not",
            environments,
            unit,
        )

    def _monthly_fee(self, item: str, what: str) -> Callable[[str, Properties], Iterator[LineItem]]:
        def fee(logical_id: str, _props: Properties) -> Iterator[LineItem]:
            yield self._item(
                logical_id, f"{what} (monthly fee, prorated)", 1, self.prices.monthly_fee_as_hourly(item)
            )

        return fee

    def _disk_hourly(self, disk: Disk, *, where: str) -> float:
        return disk_usd_per_hour(disk, self.prices, where=where)

    @property
    def _public_ipv4(self) -> float:
        return self.prices.hourly("public_ipv4")

    @staticmethod
    def _is_on_demand_table(resource_type: str, resource: Mapping[str, Any]) -> bool:
        return resource_type == "AWS::DynamoDB::Table" and (
            resource.get("Properties", {}).get("BillingMode") == "PAY_PER_REQUEST"
        )

    @staticmethod
    def _item(logical_id: str, what: str, quantity: float, unit_usd_per_hour: float) -> LineItem:
        return LineItem(
            logical_id=logical_id, what=what, quantity=quantity, usd_per_hour=quantity * unit_usd_per_hour
        )


def disk_usd_per_hour(disk: Disk, prices: PriceTable, *, where: str) -> float:
    """An EBS volume's hourly price: its size, and the IOPS and throughput above what its type includes."""
    price = prices.volume(disk.volume_type, where=where)
    monthly = disk.size_gib * price.usd_per_gib_month
    if price.usd_per_iops_month:
        if disk.iops is None and not price.included_iops:
            raise CostError(f"{where}: a {disk.volume_type} volume needs Iops to be priced")
        iops = disk.iops if disk.iops is not None else price.included_iops
        monthly += max(0, iops - price.included_iops) * price.usd_per_iops_month
    if price.usd_per_mibps_month and disk.throughput_mibps is not None:
        monthly += max(0, disk.throughput_mibps - price.included_throughput_mibps) * price.usd_per_mibps_month
    return prices.as_hourly(monthly)


def _is_free(resource_type: str) -> bool:
    return resource_type in FREE_TYPES or resource_type.startswith(FREE_PREFIXES)


def price_template(template: Mapping[str, Any], prices: PriceTable) -> TemplateCost:
    """Every hourly charge of `template` as line items, plus the resources that only bill by use.

    Raises CostError for what the kit cannot price honestly (unknown instance, volume or resource type).
    """
    cost = _Pricer(template, prices).price()
    return replace(cost, per_run=tuple(per_run_costs(template, prices)))


def machines_of(template: Mapping[str, Any]) -> list[Machines]:
    """The instances a template runs (for quota checks): type, count at deploy and at most."""
    return TemplateResources(template).machines()
