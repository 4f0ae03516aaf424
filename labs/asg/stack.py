"""LabAsg: an Auto Scaling group (min 1 / desired 2 / max 4) of nano instances with no public IP."""

from __future__ import annotations

from aws_cdk import Annotations
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from labs.asg.spec import DESIRED_CAPACITY, LAB_ID, MAX_CAPACITY, MIN_CAPACITY
from labs.constructs.instances import (
    LAB_CPU_CREDITS,
    LAB_INSTANCE_TYPE,
    amazon_linux_2023_arm,
    encrypted_gp3_root,
)
from labs.constructs.lab_stack import LabStack
from labs.constructs.nag import acknowledge
from labs.constructs.network import LabVpc
from labs.settings import LabSettings


class LabAsgStack(LabStack):
    """LabAsg: an Auto Scaling group across zones that replaces its lost instances."""

    def __init__(self, scope: Construct, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            LAB_ID,
            settings=settings,
            description="Auto Scaling group, min 1 / desired 2 / max 4, that replaces a terminated instance",
        )
        # isolated subnets: no internet gateway, no public IPv4 ($0.005/h each), nothing to reach in
        network = LabVpc(self, "Network", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        security_group = ec2.SecurityGroup(
            self,
            "NoInbound",
            vpc=network.vpc,
            description="No inbound rule: the lab only watches the group replace instances",
            allow_all_outbound=False,
        )
        self.launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            instance_type=LAB_INSTANCE_TYPE,
            machine_image=amazon_linux_2023_arm(),
            require_imdsv2=True,
            security_group=security_group,
            block_devices=[encrypted_gp3_root()],
            cpu_credits=LAB_CPU_CREDITS,
        )
        self.group = autoscaling.AutoScalingGroup(
            self,
            "Group",
            vpc=network.vpc,
            vpc_subnets=network.subnets,
            launch_template=self.launch_template,
            min_capacity=MIN_CAPACITY,
            desired_capacity=DESIRED_CAPACITY,
            max_capacity=MAX_CAPACITY,
        )
        # the zones of its subnets, stated: Control Tower's CT.AUTOSCALING.PR.1 reads only this property
        group = self.group.node.default_child
        if not isinstance(group, autoscaling.CfnAutoScalingGroup):  # pragma: no cover - CDK's own L1
            raise TypeError("the Auto Scaling group has no CfnAutoScalingGroup")
        group.availability_zones = [subnet.availability_zone for subnet in network.vpc.isolated_subnets]
        Annotations.of(self.group).acknowledge_warning(
            "@aws-cdk/aws-autoscaling:desiredCapacitySet",
            "The lab has no scaling policy: each deploy resetting the group to 2 is exactly what it wants.",
        )
        acknowledge(
            self.group,
            "AwsSolutions-AS3",
            "The learner watches scaling activities with the printed command; notifications would need an "
            "SNS topic and a subscriber for a one-hour lab.",
        )

        name = self.group.auto_scaling_group_name
        self.output("GroupName", name, "The Auto Scaling group")
        self.output(
            "TerminateOneCommand",
            'aws ec2 terminate-instances --instance-ids "$(aws autoscaling describe-auto-scaling-groups '
            f"--auto-scaling-group-names {name} --query 'AutoScalingGroups[0].Instances[0].InstanceId' "
            '--output text)"',
            "Terminate one instance of the group",
        )
        self.output(
            "WatchCommand",
            "while true; do aws autoscaling describe-auto-scaling-groups "
            f"--auto-scaling-group-names {name} "
            "--query 'AutoScalingGroups[0].Instances[*].[InstanceId,AvailabilityZone,LifecycleState]' "
            "--output table; sleep 10; done",
            "Watch the replacement arrive (Ctrl-C to stop)",
        )
