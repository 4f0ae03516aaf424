"""Spot instances count against the Spot quota (ec2 L-34B43A08), not the on-demand one: LabSpot, a mixed
group's two shares, and what the account already runs or has asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from labs.cost.prices import PriceTable
from labs.preflight.quotas import (
    SPOT_STANDARD_VCPUS,
    STANDARD_VCPUS,
    Need,
    ServiceQuotasSource,
    check_quotas,
    lab_needs,
)
from labs.preflight.results import FAIL
from tests.labs.preflight.accounts import MOTO_AMI, REGION, Template, checks_by_quota, run_instances

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client


def test_spot_instances_and_open_spot_requests_count_against_the_spot_quota_alone(
    templates: dict[str, Template], ec2: EC2Client, service_quotas: ServiceQuotasSource, prices: PriceTable
) -> None:
    spot = {"MarketType": "spot"}
    ec2.run_instances(
        ImageId=MOTO_AMI, InstanceType="t4g.small", MinCount=1, MaxCount=1, InstanceMarketOptions=spot
    )  # type: ignore[arg-type]
    run_instances(ec2, "t3.micro", 1)
    request = ec2.request_spot_instances(
        InstanceCount=1, LaunchSpecification={"ImageId": MOTO_AMI, "InstanceType": "t4g.micro"}
    )["SpotInstanceRequests"][0]["SpotInstanceRequestId"]
    # moto fulfils a request at once; on AWS it stays open until capacity is found, and counts meanwhile
    _leave_open(request)

    checks = checks_by_quota(
        check_quotas(templates["LabSpot"], ec2=ec2, quotas=service_quotas, prices=prices)
    )

    # the running Spot instance (2), the fulfilled request's instance (2) and the open request (2)
    assert "6 used + 2 needed = 8 of 5" in checks["Spot standard vCPUs"].message()
    assert checks["Spot standard vCPUs"].line().status == FAIL
    assert "--quota-code L-34B43A08 --desired-value 10" in checks["Spot standard vCPUs"].line().fix
    assert "On-Demand standard vCPUs" not in checks


def _leave_open(request_id: str) -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ec2.models import ec2_backends

    ec2_backends[DEFAULT_ACCOUNT_ID][REGION].spot_instance_requests[request_id].state = "open"


def test_a_mixed_groups_on_demand_share_counts_on_demand_and_the_rest_on_spot(prices: PriceTable) -> None:
    distribution = {"OnDemandBaseCapacity": 1, "OnDemandPercentageAboveBaseCapacity": 50}
    group = {
        "MinSize": "1",
        "DesiredCapacity": "3",
        "MaxSize": "5",
        "VPCZoneIdentifier": [{"Ref": "Private"}],
        "MixedInstancesPolicy": {
            "InstancesDistribution": distribution,
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": {"Ref": "Template"}, "Version": "1"},
                "Overrides": [{"InstanceType": "t4g.nano"}, {"InstanceType": "t4g.micro"}],
            },
        },
    }
    template = {
        "Resources": {
            "Private": {"Type": "AWS::EC2::Subnet", "Properties": {"MapPublicIpOnLaunch": False}},
            "Template": {
                "Type": "AWS::EC2::LaunchTemplate",
                "Properties": {"LaunchTemplateData": {"InstanceType": "t4g.nano"}},
            },
            "Group": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": group},
        }
    }

    needs = lab_needs(template, prices)

    # desired 3: the base 1 and half of the 2 above it on-demand, 1 on Spot; at 5: 1 + 2 on-demand, 2 on Spot
    assert needs["On-Demand standard vCPUs"] == Need(at_deploy=4, at_most=6)
    assert needs["Spot standard vCPUs"] == Need(at_deploy=2, at_most=4)


def test_on_demand_vcpus_leave_spot_instances_out(ec2: EC2Client) -> None:
    spot = {"MarketType": "spot"}
    ec2.run_instances(
        ImageId=MOTO_AMI, InstanceType="t4g.small", MinCount=2, MaxCount=2, InstanceMarketOptions=spot
    )  # type: ignore[arg-type]
    run_instances(ec2, "t4g.nano", 1)

    assert STANDARD_VCPUS.in_use(ec2) == 2
    assert SPOT_STANDARD_VCPUS.in_use(ec2) == 4
