"""Spend from what runs: each resource priced as `labkit cost` prices it, tied to the learner it serves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from labs.classroom.inventory import LabStackListing
from labs.classroom.spend import BY_HAND, LEFT_OVER, attribute, place_spend
from labs.cost.prices import load_prices
from labs.cost.running import RunningResource, scan_account
from labs.deployed.stack import StackResource
from tests.check_helpers import AMI, mocked_session

PRICES = load_prices()
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def test_what_runs_is_priced_with_the_kit_s_price_table(session: boto3.Session) -> None:
    ec2 = session.client("ec2")
    image = AMI
    instance = ec2.run_instances(ImageId=image, InstanceType="t4g.nano", MinCount=1, MaxCount=1)["Instances"][
        0
    ]
    stopped = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][
        0
    ]
    ec2.stop_instances(InstanceIds=[stopped["InstanceId"]])
    address = ec2.allocate_address(Domain="vpc")["AllocationId"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, VolumeType="gp3")["VolumeId"]

    scan = scan_account(session, PRICES, regions=["us-east-1"])
    found = {resource.identifier: resource for resource in scan.resources}

    running = found[instance["InstanceId"]]
    public = PRICES.hourly("public_ipv4") if instance.get("PublicIpAddress") else 0.0
    assert running.usd_per_hour == pytest.approx(PRICES.instance_types["t4g.nano"].usd_per_hour + public)
    assert running.since is not None
    assert stopped["InstanceId"] not in found  # a stopped instance bills only its volumes
    assert found[address].usd_per_hour == PRICES.hourly("public_ipv4")
    assert found[volume].usd_per_hour == pytest.approx(10 * 0.08 / 730)
    roots = [r for r in found.values() if r.resource_type == "AWS::EC2::Volume" and r.attached_to]
    assert {r.attached_to for r in roots} >= {instance["InstanceId"], stopped["InstanceId"]}


def resource(identifier: str, usd: float, **kwargs: object) -> RunningResource:
    kind = {"i": "AWS::EC2::Instance", "v": "AWS::EC2::Volume", "e": "AWS::EC2::EIP"}[identifier[0]]
    return RunningResource(
        resource_type=kind,
        identifier=identifier,
        what=kind,
        usd_per_hour=usd,
        since=None,
        **kwargs,  # type: ignore[arg-type]
    )


LISTING = LabStackListing(
    name="alice-LabEc2",
    stack_id="arn:aws:cloudformation:us-east-1:111111111111:stack/alice-LabEc2/1",
    lab_id="LabEc2",
    owner="alice",
    status="CREATE_COMPLETE",
    created=NOW - timedelta(hours=2),
    tags={},
)
STACK_RESOURCES = {
    "alice-LabEc2": [
        StackResource("Instance", "AWS::EC2::Instance", "i-lab", "CREATE_COMPLETE"),
        StackResource("Vpc", "AWS::EC2::VPC", "vpc-lab", "CREATE_COMPLETE"),
        StackResource("Ip", "AWS::EC2::EIP", "eipalloc-lab", "CREATE_COMPLETE"),
    ]
}
RUNNING = [
    resource("volume-root", 0.001, attached_to="i-lab"),
    resource("i-lab", 0.0042),
    resource("i-in-the-lab-vpc", 0.0042, vpc_id="vpc-lab"),
    resource("eipalloc-lab", 0.005),
    resource("i-left", 0.0042, tags={"labkit:lab": "LabAsg", "labkit:owner": "bob"}),
    resource("i-console", 0.0104),
]


def test_resources_are_tied_to_the_learner_s_stack_by_id_attachment_and_vpc() -> None:
    found, nobodys = attribute(
        RUNNING,
        owners=("alice", "bob"),
        own_account=False,
        listings=[LISTING],
        stack_resources=STACK_RESOURCES,
    )

    alice = {p.resource.identifier: p.origin for p in found["alice"]}
    assert alice == {
        "i-lab": "stack alice-LabEc2",
        "volume-root": "stack alice-LabEc2",
        "i-in-the-lab-vpc": "stack alice-LabEc2",
        "eipalloc-lab": "stack alice-LabEc2",
    }
    assert [(p.resource.identifier, p.origin) for p in found["bob"]] == [("i-left", LEFT_OVER)]
    assert [r.identifier for r in nobodys] == ["i-console"]  # a shared account: nobody's on the roster


def test_in_a_learner_s_own_account_what_no_stack_owns_is_theirs_made_by_hand() -> None:
    spend = place_spend(
        RUNNING,
        owners=("alice",),
        where="111111111111 us-east-1",
        own_account=True,
        listings=[LISTING],
        stack_resources=STACK_RESOURCES,
        caps={"alice": 0.02},
        now=NOW,
    ).by_owner["alice"]

    assert [(p.resource.identifier, p.origin) for p in spend.outside_the_kit] == [
        ("i-left", BY_HAND),  # bob's leftover tags, but alice's account
        ("i-console", BY_HAND),
    ]
    assert spend.usd_per_hour == pytest.approx(0.001 + 0.0042 * 3 + 0.005 + 0.0104)
    assert spend.over_cap
    # none of these has a launch time: each counts from the learner's first stack, two hours ago
    assert spend.so_far == pytest.approx(spend.usd_per_hour * 2)
