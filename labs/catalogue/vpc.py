"""Amazon VPC's types (CloudFormation's AWS::EC2 network types): the VPC and what is in it, its gateways."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from labs.catalogue.entry import ByUse, Free, Hourly, Leftovers, QuotaUse, ResourceType, Running
from labs.catalogue.reading import pages, tags
from labs.cost.items import LineItem, RunningResource, line_item
from labs.cost.prices import CostError, PriceTable

if TYPE_CHECKING:
    from labs.catalogue.entry import Pricing, Properties, RegionReach


def _price_nat_gateway(pricing: Pricing, logical_id: str, _props: Properties) -> Iterator[LineItem]:
    yield line_item(logical_id, "NAT gateway", 1, pricing.prices.hourly("nat_gateway"))


def _price_endpoint(pricing: Pricing, logical_id: str, props: Properties) -> Iterator[LineItem]:
    if props.get("VpcEndpointType", "Gateway") == "Gateway":  # S3 and DynamoDB gateway endpoints are free
        return
    azs = len(props.get("SubnetIds", []))
    if azs == 0:
        raise CostError(f"{logical_id}: an interface VPC endpoint without SubnetIds cannot be priced per AZ")
    unit = pricing.prices.hourly("interface_endpoint_per_az")
    yield line_item(logical_id, "interface VPC endpoint (per AZ)", azs, unit)


def _running_nat_gateways(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    for gateway in pages(region.client("ec2"), "describe_nat_gateways", "NatGateways"):
        if gateway.get("State") not in ("pending", "available"):
            continue
        yield RunningResource(
            resource_type="",
            identifier=gateway["NatGatewayId"],
            what="NAT gateway",
            usd_per_hour=prices.hourly("nat_gateway"),
            since=gateway.get("CreateTime"),
            tags=tags(gateway.get("Tags")),
            vpc_id=gateway.get("VpcId", ""),
            region=region.name,
        )


def _in_a_vpc(kind: str) -> Leftovers:
    return Leftovers(tag_arn=f"ec2:{kind}", ec2_scan=True)


VPC = ResourceType(
    cfn_type="AWS::EC2::VPC",
    price=Free(),
    deploy_actions=(
        "ec2:CreateVpc",
        "ec2:DeleteVpc",
        "ec2:DescribeVpcs",
        "ec2:ModifyVpcAttribute",
        "ec2:CreateTags",
    ),
    leftovers=_in_a_vpc("vpc"),
    quota=QuotaUse("vpc", "L-F678F1CE"),
)
SUBNET = ResourceType(
    cfn_type="AWS::EC2::Subnet",
    price=Free(),
    deploy_actions=(
        "ec2:CreateSubnet",
        "ec2:DeleteSubnet",
        "ec2:DescribeSubnets",
        "ec2:ModifySubnetAttribute",
        "ec2:CreateTags",
    ),
    leftovers=_in_a_vpc("subnet"),
)
ROUTE_TABLE = ResourceType(
    cfn_type="AWS::EC2::RouteTable",
    price=Free(),
    deploy_actions=(
        "ec2:CreateRouteTable",
        "ec2:DeleteRouteTable",
        "ec2:DescribeRouteTables",
        "ec2:CreateTags",
    ),
    leftovers=_in_a_vpc("route-table"),
)
ROUTE = ResourceType(
    cfn_type="AWS::EC2::Route",
    price=Free(),
    deploy_actions=("ec2:CreateRoute", "ec2:DeleteRoute", "ec2:DescribeRouteTables"),
    leftovers=Leftovers(goes_with="a route of its route table, deleted with it"),
    tagged=False,
)
SUBNET_ROUTE_TABLE_ASSOCIATION = ResourceType(
    cfn_type="AWS::EC2::SubnetRouteTableAssociation",
    price=Free(),
    deploy_actions=("ec2:AssociateRouteTable", "ec2:DisassociateRouteTable"),
    leftovers=Leftovers(goes_with="an association: nothing of its own once its subnet or table is gone"),
    tagged=False,
)
INTERNET_GATEWAY = ResourceType(
    cfn_type="AWS::EC2::InternetGateway",
    price=Free(),
    deploy_actions=(
        "ec2:CreateInternetGateway",
        "ec2:DeleteInternetGateway",
        "ec2:DescribeInternetGateways",
        "ec2:CreateTags",
    ),
    leftovers=_in_a_vpc("internet-gateway"),
    quota=QuotaUse("vpc", "L-A4707A72"),
)
VPC_GATEWAY_ATTACHMENT = ResourceType(
    cfn_type="AWS::EC2::VPCGatewayAttachment",
    price=Free(),
    deploy_actions=("ec2:AttachInternetGateway", "ec2:DetachInternetGateway"),
    leftovers=Leftovers(goes_with="an attachment: its gateway is found attached to its VPC"),
    tagged=False,
)
SECURITY_GROUP = ResourceType(
    cfn_type="AWS::EC2::SecurityGroup",
    price=Free(),
    deploy_actions=(
        "ec2:CreateSecurityGroup",
        "ec2:DeleteSecurityGroup",
        "ec2:DescribeSecurityGroups",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:CreateTags",
    ),
    leftovers=_in_a_vpc("security-group"),
)
SECURITY_GROUP_INGRESS = ResourceType(
    cfn_type="AWS::EC2::SecurityGroupIngress",
    price=Free(),
    deploy_actions=(
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:DescribeSecurityGroups",
        # the rule's handlers read the rules they create and delete (its CloudFormation resource schema)
        "ec2:DescribeSecurityGroupRules",
    ),
    leftovers=Leftovers(goes_with="a rule of its security group, deleted with it"),
    tagged=False,
)
SECURITY_GROUP_EGRESS = ResourceType(
    cfn_type="AWS::EC2::SecurityGroupEgress",
    price=Free(),
    deploy_actions=(
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:DescribeSecurityGroups",
        # the rule's handlers read the rules they create and delete (its CloudFormation resource schema)
        "ec2:DescribeSecurityGroupRules",
    ),
    leftovers=Leftovers(goes_with="a rule of its security group, deleted with it"),
    tagged=False,
)
NAT_GATEWAY = ResourceType(
    cfn_type="AWS::EC2::NatGateway",
    price=Hourly(_price_nat_gateway),
    deploy_actions=(
        "ec2:CreateNatGateway",
        "ec2:DeleteNatGateway",
        "ec2:DescribeNatGateways",
        "ec2:CreateTags",
    ),
    leftovers=Leftovers(tag_arn="ec2:natgateway"),
    running=Running(
        sees="NAT gateways",
        reads="ec2:DescribeNatGateways",
        scan=_running_nat_gateways,
        stop="aws ec2 delete-nat-gateway --nat-gateway-id {id}",
    ),
)
VPC_ENDPOINT = ResourceType(
    cfn_type="AWS::EC2::VPCEndpoint",
    price=Hourly(_price_endpoint),
    deploy_actions=(
        "ec2:CreateVpcEndpoint",
        "ec2:DeleteVpcEndpoints",
        "ec2:DescribeVpcEndpoints",
        "ec2:ModifyVpcEndpoint",
        "ec2:CreateTags",
    ),
    leftovers=Leftovers(tag_arn="ec2:vpc-endpoint"),
)
NETWORK_ACL = ResourceType(
    cfn_type="AWS::EC2::NetworkAcl",
    price=Free(),
    deploy_actions=(
        "ec2:CreateNetworkAcl",
        "ec2:DeleteNetworkAcl",
        "ec2:DescribeNetworkAcls",
        "ec2:CreateTags",
    ),
    leftovers=Leftovers(tag_arn="ec2:network-acl"),
)
NETWORK_ACL_ENTRY = ResourceType(
    cfn_type="AWS::EC2::NetworkAclEntry",
    price=Free(),
    deploy_actions=(
        "ec2:CreateNetworkAclEntry",
        "ec2:ReplaceNetworkAclEntry",
        "ec2:DeleteNetworkAclEntry",
        "ec2:DescribeNetworkAcls",
    ),
    leftovers=Leftovers(goes_with="an entry of its network ACL, deleted with it"),
    tagged=False,
)
SUBNET_NETWORK_ACL_ASSOCIATION = ResourceType(
    cfn_type="AWS::EC2::SubnetNetworkAclAssociation",
    price=Free(),
    deploy_actions=("ec2:ReplaceNetworkAclAssociation", "ec2:DescribeNetworkAcls"),
    leftovers=Leftovers(goes_with="an association: nothing of its own once its subnet or ACL is gone"),
    tagged=False,
)
EGRESS_ONLY_INTERNET_GATEWAY = ResourceType(
    cfn_type="AWS::EC2::EgressOnlyInternetGateway",
    price=Free(),
    deploy_actions=(
        "ec2:CreateEgressOnlyInternetGateway",
        "ec2:DeleteEgressOnlyInternetGateway",
        "ec2:DescribeEgressOnlyInternetGateways",
    ),
    leftovers=Leftovers(tag_arn="ec2:egress-only-internet-gateway"),
)
VPC_CIDR_BLOCK = ResourceType(
    cfn_type="AWS::EC2::VPCCidrBlock",
    price=Free(),
    deploy_actions=("ec2:AssociateVpcCidrBlock", "ec2:DisassociateVpcCidrBlock", "ec2:DescribeVpcs"),
    leftovers=Leftovers(goes_with="a range of its VPC, released with it"),
    tagged=False,
)
PREFIX_LIST = ResourceType(
    cfn_type="AWS::EC2::PrefixList",
    price=Free(),
    deploy_actions=None,
    leftovers=Leftovers(tag_arn="ec2:prefix-list"),
)
FLOW_LOG = ResourceType(
    cfn_type="AWS::EC2::FlowLog",
    price=ByUse(),
    deploy_actions=None,
    leftovers=Leftovers(tag_arn="ec2:vpc-flow-log"),
)
