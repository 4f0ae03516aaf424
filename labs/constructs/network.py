"""The lab VPC: two AZs, no NAT gateway, so a lab's network costs nothing per hour."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from labs.constructs.nag import acknowledge
from labs.shared_facts import VPC_CIDR, zone_subnet_cidr


class LabVpc(Construct):
    """A VPC with only `subnet_type` subnets in two AZs (or only in `availability_zones` when given);
    public subnets never auto-assign public IPs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        subnet_type: ec2.SubnetType,
        availability_zones: list[str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.subnet_type = subnet_type
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(VPC_CIDR),
            # named zones need no lookup at synth: the stack stays environment-agnostic
            availability_zones=availability_zones,
            max_azs=None if availability_zones else 2,
            nat_gateways=0,
            # True adds a custom-resource Lambda (and a log group it creates itself) to every lab VPC
            restrict_default_security_group=False,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name=subnet_type.name.lower().replace("_", "-"),
                    subnet_type=subnet_type,
                    cidr_mask=26,
                    # each auto-assigned public IPv4 costs $0.005/h: the lab decides who gets one
                    map_public_ip_on_launch=False if subnet_type == ec2.SubnetType.PUBLIC else None,
                )
            ],
        )
        if availability_zones:  # named zones are plain strings at synth; Fn::GetAZs zones are not
            for subnet in self.vpc.public_subnets + self.vpc.isolated_subnets:
                cfn_subnet = subnet.node.default_child
                if isinstance(cfn_subnet, ec2.CfnSubnet):
                    cfn_subnet.cidr_block = zone_subnet_cidr(subnet.availability_zone)
        acknowledge(
            self.vpc,
            "AwsSolutions-VPC7",
            "A lab VPC lives for hours and carries ping or no traffic: flow logs would add a log group "
            "and ingestion cost without teaching anything in these labs.",
        )

    @property
    def subnets(self) -> ec2.SubnetSelection:
        return ec2.SubnetSelection(subnet_type=self.subnet_type)
