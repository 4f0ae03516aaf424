"""LabEc2 rebuilt on CDK's defaults, only to be synthesized and priced beside the kit (`labkit cost`), never
deployed: same compute (type, root, data volume, Elastic IP); the network is what a plain `ec2.Vpc(self,
"Vpc")` gives an env-agnostic stack: 2 AZs, a NAT gateway with an Elastic IP in each, public subnets that
assign a public IPv4 to every instance.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

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
