"""What runs now, in every region an account has enabled, priced: the scan the spend guard and status read.
Each chapter service a learner can start by hand and that bills by the hour is found and priced; what the
scan cannot read is named, never taken as clean."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from labs.catalogue.awslambda import ALIAS
from labs.catalogue.entry import RegionReach
from labs.cost.prices import load_prices
from labs.cost.running import scan_account, seen_by_the_scan
from tests.check_helpers import AMI, mocked_session

PRICES = load_prices()


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def by_what(scan: Any) -> dict[str, Any]:
    return {resource.what: resource for resource in scan.resources}


def test_the_scan_reads_every_region_the_account_has_enabled_and_no_other(session: boto3.Session) -> None:
    enabled = session.client("ec2", region_name="eu-west-1")
    enabled.run_instances(ImageId=AMI, InstanceType="m7g.large", MinCount=1, MaxCount=1)
    # ap-east-1 is an opt-in region this account has not opted in to (DescribeRegions: not-opted-in)
    session.client("ec2", region_name="ap-east-1").run_instances(
        ImageId=AMI, InstanceType="m7g.xlarge", MinCount=1, MaxCount=1
    )

    scan = scan_account(session, PRICES)

    found = [(r.region, r.what) for r in scan.resources if r.resource_type == "AWS::EC2::Instance"]
    assert found == [("eu-west-1", "m7g.large instance with a public IPv4")]
    assert "ap-east-1" not in scan.regions
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(scan.regions)
    assert not any(region.startswith(("cn-", "us-gov-")) for region in scan.regions)  # other partitions
    assert scan.unverified == ()


def test_every_chapter_service_that_bills_by_the_hour_is_priced(session: boto3.Session) -> None:
    ec2 = session.client("ec2")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    spot = {"MarketType": "spot"}
    ec2.run_instances(
        ImageId=AMI, InstanceType="c7g.large", MinCount=1, MaxCount=1, InstanceMarketOptions=spot
    )
    ec2.create_nat_gateway(
        SubnetId=subnets[0], AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"]
    )
    session.client("elbv2").create_load_balancer(Name="alb", Subnets=subnets, Scheme="internet-facing")
    listener = [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}]
    session.client("elb").create_load_balancer(
        LoadBalancerName="clb", Listeners=listener, AvailabilityZones=["us-east-1a"]
    )
    role = session.client("iam").create_role(RoleName="eks", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    session.client("eks").create_cluster(name="k8s", roleArn=role, resourcesVpcConfig={"subnetIds": subnets})
    ecs = session.client("ecs")
    ecs.create_cluster(clusterName="batch")
    ecs.register_task_definition(
        family="job",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="1024",
        memory="2048",
        containerDefinitions=[{"name": "job", "image": "busybox", "memory": 2048}],
    )
    network = {"awsvpcConfiguration": {"subnets": subnets[:1], "securityGroups": [group]}}
    ecs.run_task(cluster="batch", taskDefinition="job", launchType="FARGATE", networkConfiguration=network)

    found = by_what(scan_account(session, PRICES, regions=["us-east-1"]))

    ipv4 = PRICES.hourly("public_ipv4")
    spot_instance = found["c7g.large Spot instance with a public IPv4"]
    assert spot_instance.usd_per_hour == pytest.approx(
        PRICES.instance("c7g.large", where="").usd_per_hour + ipv4
    )
    assert "counted at its on-demand price" in spot_instance.note
    assert found["NAT gateway"].usd_per_hour == PRICES.hourly("nat_gateway")
    assert [r.usd_per_hour for r in found.values() if r.what.startswith("Elastic IP")] == [ipv4]
    alb = found["application load balancer alb"]
    assert alb.usd_per_hour == pytest.approx(PRICES.hourly("load_balancer") + 2 * ipv4)
    assert found["Classic Load Balancer clb"].usd_per_hour == pytest.approx(0.025 + ipv4)
    assert found["EKS cluster k8s (Kubernetes 1.19)"].usd_per_hour == 0.10
    (task,) = [r for r in found.values() if r.what.startswith("Fargate task")]
    assert task.what == "Fargate task (1 vCPU, 2 GB) of family:job"
    assert task.usd_per_hour == pytest.approx(0.04048 + 2 * 0.004445)


def test_provisioned_concurrency_bills_what_is_configured_invoked_or_not() -> None:
    class Lambda:
        """Lambda's answers for one function with two environments provisioned on its alias `live`."""

        def get_paginator(self, operation: str) -> Any:
            pages = {
                "list_functions": [
                    {"Functions": [{"FunctionName": "fn", "FunctionArn": "arn:fn", "MemorySize": 512,
                                    "Architectures": ["arm64"]}]}
                ],
                "list_provisioned_concurrency_configs": [
                    {"ProvisionedConcurrencyConfigs": [{"FunctionArn": "arn:fn:live",
                                                        "RequestedProvisionedConcurrentExecutions": 2}]}
                ],
            }  # fmt: skip

            class Pages:
                def paginate(self, **_: Any) -> list[Any]:
                    return pages[operation]

            return Pages()

        def list_tags(self, **_: Any) -> dict[str, Any]:
            return {"Tags": {"labkit:owner": "alice"}}

    assert ALIAS.running is not None
    (found,) = ALIAS.running.scan(RegionReach(name="us-east-1", client=lambda _: Lambda()), PRICES)

    assert found.resource_type == "AWS::Lambda::Alias"
    assert found.identifier == "fn:live"
    assert found.attached_to == "fn"
    assert found.usd_per_hour == pytest.approx(PRICES.provisioned_concurrency(memory_mb=512, environments=2))
    assert found.tags == {"labkit:owner": "alice"}


def test_a_refused_call_or_an_unreachable_region_is_named_could_not_verify_never_clean(
    session: boto3.Session,
) -> None:
    def refuse(context: Any = None, **_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not for you"}}, "ListFunctions")

    def unreachable(context: Any = None, **_: Any) -> None:
        if context and context.get("client_region") == "eu-west-1":
            raise EndpointConnectionError(endpoint_url="https://ec2.eu-west-1.amazonaws.com")

    session.events.register("before-call.lambda.ListFunctions", refuse)
    session.events.register("before-call.ec2.*", unreachable)

    scan = scan_account(session, PRICES, regions=["us-east-1", "eu-west-1"])

    lines = [problem.line for problem in scan.unverified]
    assert (
        "could not verify Lambda provisioned concurrency, on aliases and versions in us-east-1: "
        "lambda:ListProvisionedConcurrencyConfigs: AccessDenied: not for you"
    ) in lines
    assert "could not verify what runs in eu-west-1: unreachable (no answer from its endpoints)" in lines


def test_the_scan_names_what_it_sees() -> None:
    seen = seen_by_the_scan()

    services = ("EC2 instances, on-demand and Spot", "EBS volumes", "Elastic IPs", "NAT gateways",
                "load balancers", "Lambda provisioned concurrency", "Fargate", "EKS clusters")  # fmt: skip
    for service in services:
        assert any(service in line for line in seen), service
