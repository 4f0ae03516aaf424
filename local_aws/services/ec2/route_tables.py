"""EC2 parity fix: a subnet CloudFormation associates with a route table shows in the table's associations."""

from __future__ import annotations

from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import backend, moto_name, original, replace_classmethod


@parity_fix(
    "CloudFormation's subnet associations reach the route table",
    moto_does="records an AWS::EC2::SubnetRouteTableAssociation apart from its route table: "
    "DescribeRouteTables "
    "shows no association, so no subnet has a route to its internet gateway and the main table seems to "
    "apply",
    aws_does="associates the subnet with the table, as AssociateRouteTable does: DescribeRouteTables lists "
    "it "
    "(filter association.subnet-id), and the subnet's traffic follows the table's routes",
)
def subnet_associations_reach_the_route_table() -> None:
    """Patches moto: CloudFormation's subnet associations reach the route table."""
    association_class = moto_name("ec2.SubnetRouteTableAssociation")
    original_create = original(association_class, "create_from_cloudformation_json")

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        association = original_create(cls, name, template, account_id, region, **kw)
        ec2 = backend("ec2", account_id, region)
        ec2.associate_route_table(association.route_table_id, subnet_id=association.subnet_id)
        return association

    replace_classmethod(association_class, "create_from_cloudformation_json", create)


FIXES: tuple[ParityFix, ...] = (subnet_associations_reach_the_route_table,)
