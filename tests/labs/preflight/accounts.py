"""What the preflight tests put in their moto account: instances, addresses, and the checks by quota."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labs.preflight.quotas import QuotaCheck

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

Template = dict[str, Any]
REGION = "us-east-1"
# one of the images moto ships (listing them all takes seconds)
MOTO_AMI = "ami-12c6146b"


def allocate_elastic_ips(ec2: EC2Client, count: int) -> None:
    for _ in range(count):
        ec2.allocate_address(Domain="vpc")


def run_instances(ec2: EC2Client, instance_type: str, count: int, *, spot: bool = False) -> None:
    market: Any = {"InstanceMarketOptions": {"MarketType": "spot"}} if spot else {}
    ec2.run_instances(ImageId=MOTO_AMI, InstanceType=instance_type, MinCount=count, MaxCount=count, **market)  # type: ignore[arg-type]


def checks_by_quota(checks: list[QuotaCheck]) -> dict[str, QuotaCheck]:
    return {check.quota.name: check for check in checks}
