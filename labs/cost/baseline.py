"""The EC2 labs rebuilt on CDK's defaults, only to be synthesized and priced beside the kit, never deployed.

Same compute as the lab (type, root, data volume, Elastic IP, group size); the network is what a plain
`ec2.Vpc(self, "Vpc")` gives an env-agnostic stack: 2 AZs, a NAT gateway with an Elastic IP in each,
public subnets that assign a public IPv4 to every instance. The serverless labs build no network, so
CDK's defaults leave them as they are.
"""

from __future__ import annotations

from aws_cdk import Annotations, App, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from labs.asg.spec import DESIRED_CAPACITY, MAX_CAPACITY, MIN_CAPACITY
from labs.constructs.instances import LAB_INSTANCE_TYPE, amazon_linux_2023_arm, encrypted_gp3_root
from labs.ec2.stack import data_disk


class CdkDefaultsEc2Stack(Stack):
    """LabEc2 on CDK's default VPC: the instance sits in a public subnet, the only place it can be pinged."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        vpc = ec2.Vpc(self, "Vpc")
        subnet = vpc.public_subnets[0]
        self.instance = ec2.Instance(
            self,
            "Instance",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=[subnet]),
            instance_type=LAB_INSTANCE_TYPE,
            machine_image=amazon_linux_2023_arm(),
            # the lab's own data disk: the comparison prices the same compute by construction
            block_devices=[encrypted_gp3_root(), data_disk()],
        )
        ec2.CfnEIP(self, "PublicAddress", domain="vpc", instance_id=self.instance.instance_id)


class CdkDefaultsAsgStack(Stack):
    """LabAsg on CDK's default VPC: the group goes where CDK puts it, the private subnets behind NAT."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        vpc = ec2.Vpc(self, "Vpc")
        launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            instance_type=LAB_INSTANCE_TYPE,
            machine_image=amazon_linux_2023_arm(),
            block_devices=[encrypted_gp3_root()],
        )
        self.group = autoscaling.AutoScalingGroup(
            self,
            "Group",
            vpc=vpc,
            launch_template=launch_template,
            min_capacity=MIN_CAPACITY,
            desired_capacity=DESIRED_CAPACITY,
            max_capacity=MAX_CAPACITY,
        )
        Annotations.of(self.group).acknowledge_warning(
            "@aws-cdk/aws-autoscaling:desiredCapacitySet", "Only priced, never deployed: LabAsg sets it too."
        )


CDK_DEFAULT_STACKS: dict[str, type[CdkDefaultsEc2Stack | CdkDefaultsAsgStack]] = {
    "LabEc2": CdkDefaultsEc2Stack,
    "LabAsg": CdkDefaultsAsgStack,
}


def build_cdk_default_labs(app: App) -> dict[str, Stack]:
    """Lab id -> its CDK-defaults twin (stack `CdkDefaults<lab id>`), for the labs that build a network."""
    return {lab_id: stack(app, f"CdkDefaults{lab_id}") for lab_id, stack in CDK_DEFAULT_STACKS.items()}
