"""LabSpot: an Auto Scaling group on Spot capacity across three arm64 types, that replaces an interrupted
instance; the two Spot events land in a log group; an FIS experiment interrupts one on AWS."""

from __future__ import annotations

from aws_cdk import Annotations
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from labs.constructs.instances import (
    LAB_CPU_CREDITS,
    amazon_linux_2023_arm,
    encrypted_gp3_root,
)
from labs.constructs.lab_stack import LabStack
from labs.constructs.nag import acknowledge
from labs.constructs.network import LabVpc
from labs.cost.prices import load_prices
from labs.settings import LabSettings
from labs.spot.constructs import (
    SpotEventsLog,
    SpotInterruptionExperiment,
    spot_mixed_instances_policy,
)
from labs.spot.spec import (
    DESIRED_CAPACITY,
    FIS_USD_PER_ACTION_MINUTE,
    FIS_USD_PER_RUN,
    INSTANCE_TYPES,
    LAB_ID,
    MAX_CAPACITY,
    MIN_CAPACITY,
)
from spot_events.environment import GROUP_NAME_TAG


def price_line() -> str:
    """Each type's on-demand price against the kit's Spot estimate, from the dated price table."""
    prices = load_prices()
    parts = []
    for name in INSTANCE_TYPES:
        spot = prices.spot_types[name]
        parts.append(
            f"{name} ${prices.instance_types[name].usd_per_hour:.4f}/h on-demand, Spot about "
            f"${spot.usd_per_hour_low:.4f}-{spot.usd_per_hour_high:.4f}/h"
        )
    return (
        "; ".join(parts) + f" ({prices.region}, on-demand {prices.as_of}, Spot estimate {prices.spot_as_of})"
    )


class LabSpotStack(LabStack):
    """LabSpot: an Auto Scaling group of Spot instances that rebalances when warned."""

    def __init__(self, scope: Construct, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            LAB_ID,
            settings=settings,
            description="Spot Auto Scaling group, three arm64 types, that replaces an interrupted instance",
        )
        # isolated subnets: no NAT gateway, no internet gateway, no public IPv4 ($0.005/h each)
        self.network = LabVpc(self, "Network", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self.launch_template = self._build_launch_template()
        self.group = self._build_group()
        self.events = SpotEventsLog(self, "SpotEvents", group_name=self.group.auto_scaling_group_name)
        self.experiment = SpotInterruptionExperiment(
            self, "Interruption", group_name=self.group.auto_scaling_group_name
        )
        self._build_outputs()

    def _build_launch_template(self) -> ec2.LaunchTemplate:
        security_group = ec2.SecurityGroup(
            self,
            "NoInbound",
            vpc=self.network.vpc,
            description="No inbound rule: no SSH and no key; the lab needs no shell on its instances",
            allow_all_outbound=False,
        )
        # no instance role: Session Manager cannot reach isolated subnets without three interface endpoints
        # ($0.01/h each per zone, several times the lab), and nothing on the instance calls AWS
        # no instance type: the mixed-instances policy's overrides name them
        return ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            machine_image=amazon_linux_2023_arm(),
            require_imdsv2=True,
            security_group=security_group,
            block_devices=[encrypted_gp3_root()],
            # T4g Spot in "unlimited" mode bills surplus CPU credits: standard mode never does
            cpu_credits=LAB_CPU_CREDITS,
        )

    def _build_group(self) -> autoscaling.AutoScalingGroup:
        group = autoscaling.AutoScalingGroup(
            self,
            "Group",
            vpc=self.network.vpc,
            vpc_subnets=self.network.subnets,
            mixed_instances_policy=spot_mixed_instances_policy(launch_template=self.launch_template),
            capacity_rebalance=True,
            min_capacity=MIN_CAPACITY,
            desired_capacity=DESIRED_CAPACITY,
            max_capacity=MAX_CAPACITY,
        )
        # the zones of its subnets, stated: Control Tower's CT.AUTOSCALING.PR.1 reads only this property
        cfn_group = group.node.default_child
        if not isinstance(cfn_group, autoscaling.CfnAutoScalingGroup):  # pragma: no cover - CDK's own L1
            raise TypeError("the Auto Scaling group has no CfnAutoScalingGroup")
        cfn_group.availability_zones = [s.availability_zone for s in self.network.vpc.isolated_subnets]
        Annotations.of(group).acknowledge_warning(
            "@aws-cdk/aws-autoscaling:desiredCapacitySet",
            "The lab has no scaling policy: each deploy resetting the group to 1 is exactly what it wants.",
        )
        acknowledge(
            group,
            "AwsSolutions-EC26",
            "The rule cannot read a mixed-instances policy's launch template (it errors on the reference); "
            "the template's only volume is the encrypted gp3 root, which tests/labs/spot asserts.",
        )
        acknowledge(
            group,
            "AwsSolutions-AS3",
            "The Spot events go to the lab's log group through EventBridge; scaling notifications would need "
            "an SNS topic and a subscriber for a one-hour lab.",
        )
        return group

    def _build_outputs(self) -> None:
        name = self.group.auto_scaling_group_name
        self.output("GroupName", name, "The Auto Scaling group")
        self.output(
            "InstancesCommand",
            "aws ec2 describe-instances --filters "
            f"Name=tag:{GROUP_NAME_TAG},Values={name} Name=instance-state-name,Values=pending,running "
            "--query 'Reservations[].Instances[].[InstanceId,InstanceType,Placement.AvailabilityZone,"
            "InstanceLifecycle || `on-demand`]' --output table",
            "The group's instances with their lifecycle (spot or on-demand)",
        )
        self.output(
            "SpotPricesCommand",
            f"aws ec2 describe-spot-price-history --instance-types {' '.join(INSTANCE_TYPES)} "
            "--product-descriptions Linux/UNIX --start-time $(date -u +%Y-%m-%dT%H:%M:%S) "
            "--query 'SpotPriceHistory[].[InstanceType,AvailabilityZone,SpotPrice]' --output table",
            "The Spot price of each type in each zone, now",
        )
        self.output("Prices", price_line(), "On-demand list prices against the kit's Spot estimate")
        self.output("EventsLogGroup", self.events.log_group.log_group_name, "Where the Spot events land")
        self.output(
            "WatchEventsCommand",
            f"aws logs tail {self.events.log_group.log_group_name} --follow --format short",
            "Watch the rebalance recommendation and the interruption warning arrive (Ctrl-C to stop)",
        )
        self.output(
            "InterruptCommand",
            f"aws fis start-experiment --experiment-template-id {self.experiment.template_id}",
            "AWS FIS interrupts one Spot instance after a 2-minute warning: "
            f"${FIS_USD_PER_ACTION_MINUTE:.2f} per action-minute, about ${FIS_USD_PER_RUN:.2f} a run "
            "(on the emulator: labkit emulator interrupt <instance-id>)",
        )
        self.output(
            "ScalingActivitiesCommand",
            f"aws autoscaling describe-scaling-activities --auto-scaling-group-name {name} --max-items 5",
            "What the group did about it",
        )
