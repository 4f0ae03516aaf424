"""LabSpot rebuilt on CDK's defaults, only to be synthesized and priced beside the kit (`labkit cost`), never
deployed: the same Spot group (types, policy, root, size); the network is a plain `ec2.Vpc(self, "Vpc")`:
2 AZs, a NAT gateway with an Elastic IP in each, and the group in the private subnets behind them.
"""

from __future__ import annotations

from aws_cdk import Annotations, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from labs.constructs.instances import amazon_linux_2023_arm, encrypted_gp3_root
from labs.spot.constructs import spot_mixed_instances_policy
from labs.spot.spec import (
    DESIRED_CAPACITY,
    MAX_CAPACITY,
    MIN_CAPACITY,
)


class CdkDefaultsSpotStack(Stack):
    """LabSpot on CDK's default VPC: the group goes where CDK puts it, the private subnets behind NAT."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        vpc = ec2.Vpc(self, "Vpc")
        launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            machine_image=amazon_linux_2023_arm(),
            block_devices=[encrypted_gp3_root()],
        )
        self.group = autoscaling.AutoScalingGroup(
            self,
            "Group",
            vpc=vpc,
            mixed_instances_policy=spot_mixed_instances_policy(launch_template=launch_template),
            min_capacity=MIN_CAPACITY,
            desired_capacity=DESIRED_CAPACITY,
            max_capacity=MAX_CAPACITY,
        )
        Annotations.of(self.group).acknowledge_warning(
            "@aws-cdk/aws-autoscaling:desiredCapacitySet", "Only priced, never deployed: LabSpot sets it too."
        )
