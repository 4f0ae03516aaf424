"""CloudFormation parity: the order a stack's resources are deleted in (no emulator needed)."""

from __future__ import annotations

from typing import Any

from local_aws.services.cloudformation.templates import deletion_order


def test_resources_are_deleted_before_what_they_reference() -> None:
    resources: dict[str, dict[str, Any]] = {
        "Vpc": {},
        "Subnet": {"Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Instance": {"Properties": {"SubnetId": {"Ref": "Subnet"}}},
        "Address": {"DependsOn": "Instance"},
        "Log": {"Properties": {"Arn": {"Fn::GetAtt": ["Vpc", "Arn"]}}},
    }
    order = deletion_order(resources)
    assert order.index("Address") < order.index("Instance") < order.index("Subnet") < order.index("Vpc")
    assert order.index("Log") < order.index("Vpc")
    assert sorted(order) == sorted(resources)
