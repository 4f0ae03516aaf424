"""EC2 parity fix: an instance declared with `NetworkInterfaces` launches in that interface's subnet.

A lab instance states its network on its primary interface (Control Tower's CT.EC2.PR.8 reads only that).
"""

from __future__ import annotations

import copy
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import moto_name, original, replace_classmethod


def primary_interface_as_instance_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """The properties with the primary interface's subnet and groups as the instance's own, as EC2 applies
    them (an instance's network is its device-0 interface's); other properties are left as they are."""
    interfaces = properties.get("NetworkInterfaces") or []
    primary = next((nic for nic in interfaces if str(nic.get("DeviceIndex")) == "0"), None)
    if primary is None or "SubnetId" in properties:
        return properties
    merged = copy.copy(properties)
    merged["SubnetId"] = primary.get("SubnetId")
    if primary.get("GroupSet"):
        merged["SecurityGroupIds"] = list(primary["GroupSet"])
    return merged


@parity_fix(
    "CloudFormation instance with NetworkInterfaces",
    moto_does="ignores an AWS::EC2::Instance's NetworkInterfaces: the instance launches outside the lab VPC "
    "with no security group",
    aws_does="launches the instance with its primary (DeviceIndex 0) interface in that interface's subnet "
    "and security groups (CloudFormation reference: AWS::EC2::Instance NetworkInterface)",
    # it hands the interface's groups to the create that applies SecurityGroupIds: that one must be inside
    after=("ec2.cloudformation_ec2_properties",),
)
def instance_network_interfaces() -> None:
    """Patches moto: CloudFormation instance with NetworkInterfaces."""
    instance_class = moto_name("ec2.Instance")
    create_instance = original(instance_class, "create_from_cloudformation_json")

    def instance(
        cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any
    ) -> Any:
        properties = template.get("Properties", {})
        resolved = {**template, "Properties": primary_interface_as_instance_properties(properties)}
        return create_instance(cls, name, resolved, account_id, region, **kw)

    replace_classmethod(instance_class, "create_from_cloudformation_json", instance)


FIXES: tuple[ParityFix, ...] = (instance_network_interfaces,)
