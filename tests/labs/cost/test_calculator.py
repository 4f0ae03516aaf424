"""The calculator on small hand-made templates: each rule a learner's bill depends on, one at a time."""

from __future__ import annotations

from typing import Any

import pytest

from labs.cost.calculator import price_template
from labs.cost.prices import CostError, PriceTable, load_prices

HOURS = 730
NANO = 0.0042
GP3_GIB = 0.08 / HOURS
IPV4 = 0.005
PRIVATE = {"Ref": "Private"}


@pytest.fixture(scope="module")
def prices() -> PriceTable:
    return load_prices()


def template(**resources: dict[str, Any]) -> dict[str, Any]:
    return {"Resources": resources}


def resource(resource_type: str, **properties: Any) -> dict[str, Any]:
    return {"Type": resource_type, "Properties": properties}


def root(size: int = 8, volume_type: str = "gp3", **extra: Any) -> dict[str, Any]:
    return {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": size, "VolumeType": volume_type, **extra}}


def subnet(*, public_ips: bool) -> dict[str, Any]:
    return resource(
        "AWS::EC2::Subnet", VpcId="vpc-1", CidrBlock="10.0.0.0/26", MapPublicIpOnLaunch=public_ips
    )


def group(**properties: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "MinSize": "1",
        "MaxSize": "4",
        "DesiredCapacity": "2",
        "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Template"}, "Version": "1"},
        "VPCZoneIdentifier": [{"Ref": "Private"}],
    }
    return resource("AWS::AutoScaling::AutoScalingGroup", **{**defaults, **properties})


def launch_template(**data: Any) -> dict[str, Any]:
    return resource(
        "AWS::EC2::LaunchTemplate",
        LaunchTemplateData={"InstanceType": "t4g.nano", "BlockDeviceMappings": [root()], **data},
    )


def test_an_instance_costs_its_type_and_root_volume(prices: PriceTable) -> None:
    box = resource(
        "AWS::EC2::Instance", InstanceType="t4g.nano", SubnetId=PRIVATE, BlockDeviceMappings=[root()]
    )

    cost = price_template(template(Private=subnet(public_ips=False), Box=box), prices)

    assert cost.usd_per_hour == pytest.approx(NANO + 8 * GP3_GIB)
    assert [item.what for item in cost.items] == ["t4g.nano instance", "8 GiB gp3 root volume"]


def test_an_instance_without_a_subnet_lands_in_the_default_vpc_and_pays_for_a_public_ip(
    prices: PriceTable,
) -> None:
    box = resource("AWS::EC2::Instance", InstanceType="t4g.nano", BlockDeviceMappings=[root()])

    cost = price_template(template(Box=box), prices)

    assert cost.usd_per_hour == pytest.approx(NANO + 8 * GP3_GIB + IPV4)


def test_an_instance_without_a_root_mapping_is_priced_with_the_amis_root_and_says_so(
    prices: PriceTable,
) -> None:
    box = resource("AWS::EC2::Instance", InstanceType="t4g.nano", SubnetId=PRIVATE)

    cost = price_template(template(Private=subnet(public_ips=False), Box=box), prices)

    assert cost.usd_per_hour == pytest.approx(NANO + 8 * GP3_GIB)
    assert "assumed" in cost.items[1].what


def test_an_unlisted_instance_type_is_priced_by_its_familys_rule_which_errs_high_never_zero(
    prices: PriceTable,
) -> None:
    def box(instance_type: str) -> dict[str, Any]:
        return resource("AWS::EC2::Instance", InstanceType=instance_type, BlockDeviceMappings=[root()])

    listed = price_template(template(Private=subnet(public_ips=False), Box=box("p4d.24xlarge")), prices)
    by_family = price_template(template(Private=subnet(public_ips=False), Box=box("g5.48xlarge")), prices)
    unknown_family = price_template(template(Private=subnet(public_ips=False), Box=box("zz9.large")), prices)

    assert listed.items[0].usd_per_hour == pytest.approx(32.7726)
    # AWS lists g5.48xlarge at $16.288/h; the rule counts the family's dearest rate per large-equivalent
    assert by_family.items[0].usd_per_hour == pytest.approx(0.503 * 96)
    assert "g5 family's rate, which errs high" in by_family.items[0].what
    assert unknown_family.items[0].usd_per_hour == pytest.approx(
        max(prices.families.usd_per_hour_per_large.values())
    )
    assert "counted at the dearest family's rate" in unknown_family.items[0].what


def test_a_name_that_is_no_instance_type_is_a_clear_error(prices: PriceTable) -> None:
    box = resource("AWS::EC2::Instance", InstanceType="bigbox", BlockDeviceMappings=[root()])

    with pytest.raises(CostError, match=r"'bigbox' is not an EC2 instance type"):
        price_template(template(Box=box), prices)


def test_an_unknown_volume_type_is_a_clear_error(prices: PriceTable) -> None:
    with pytest.raises(CostError, match="volume type 'io2' is not in the price table"):
        price_template(template(Disk=resource("AWS::EC2::Volume", Size=10, VolumeType="io2")), prices)


def test_an_unknown_resource_type_is_a_clear_error(prices: PriceTable) -> None:
    with pytest.raises(
        CostError, match=r"cannot price AWS::RDS::DBInstance \(Db\): .* labs/catalogue/rds\.py"
    ):
        price_template(template(Db=resource("AWS::RDS::DBInstance", DBInstanceClass="db.t4g.micro")), prices)


def test_an_instance_type_that_is_not_a_literal_cannot_be_priced(prices: PriceTable) -> None:
    box = resource("AWS::EC2::Instance", InstanceType={"Ref": "TypeParameter"}, BlockDeviceMappings=[root()])

    with pytest.raises(CostError, match="InstanceType must be a literal"):
        price_template(template(Box=box), prices)


def test_a_group_costs_its_desired_capacity_of_its_launch_templates_instances(prices: PriceTable) -> None:
    cost = price_template(
        template(Template=launch_template(), Private=subnet(public_ips=False), Group=group()), prices
    )

    assert cost.usd_per_hour == pytest.approx(2 * (NANO + 8 * GP3_GIB))
    assert not [item for item in cost.items if "IPv4" in item.what]


def test_a_group_whose_launch_template_assigns_public_ips_pays_one_per_instance(prices: PriceTable) -> None:
    public = launch_template(NetworkInterfaces=[{"DeviceIndex": 0, "AssociatePublicIpAddress": True}])

    cost = price_template(template(Template=public, Private=subnet(public_ips=False), Group=group()), prices)

    addresses = [item for item in cost.items if item.what == "auto-assigned public IPv4"]
    assert [a.quantity for a in addresses] == [2]
    assert addresses[0].usd_per_hour == pytest.approx(2 * IPV4)
    assert cost.usd_per_hour == pytest.approx(2 * (NANO + 8 * GP3_GIB + IPV4))


def test_a_group_in_subnets_that_map_public_ips_pays_one_per_instance(prices: PriceTable) -> None:
    cost = price_template(
        template(
            Template=launch_template(),
            Public=subnet(public_ips=True),
            Group=group(VPCZoneIdentifier=[{"Ref": "Public"}]),
        ),
        prices,
    )

    assert cost.usd_per_hour == pytest.approx(2 * (NANO + 8 * GP3_GIB + IPV4))


def test_an_elastic_ip_replaces_the_auto_assigned_address_instead_of_adding_one(prices: PriceTable) -> None:
    box = resource(
        "AWS::EC2::Instance",
        InstanceType="t4g.nano",
        SubnetId={"Ref": "Public"},
        BlockDeviceMappings=[root()],
    )
    address = resource("AWS::EC2::EIP", Domain="vpc", InstanceId={"Ref": "Box"})

    with_eip = price_template(template(Public=subnet(public_ips=True), Box=box, Address=address), prices)
    without_eip = price_template(template(Public=subnet(public_ips=True), Box=box), prices)

    assert with_eip.usd_per_hour == pytest.approx(NANO + 8 * GP3_GIB + IPV4)
    assert without_eip.usd_per_hour == pytest.approx(NANO + 8 * GP3_GIB + IPV4)
    assert [i.what for i in with_eip.items if "IPv4" in i.what] == ["public IPv4: Elastic IP of Box"]


def test_a_nat_gateway_costs_its_hour_and_its_elastic_ip(prices: PriceTable) -> None:
    nat = resource(
        "AWS::EC2::NatGateway",
        SubnetId={"Ref": "Public"},
        AllocationId={"Fn::GetAtt": ["NatIp", "AllocationId"]},
    )

    cost = price_template(
        template(Public=subnet(public_ips=True), NatIp=resource("AWS::EC2::EIP", Domain="vpc"), Nat=nat),
        prices,
    )

    assert cost.usd_per_hour == pytest.approx(0.045 + IPV4)
    assert "public IPv4: Elastic IP of Nat" in [item.what for item in cost.items]


def test_gp3_above_its_included_iops_and_throughput_pays_for_them(prices: PriceTable) -> None:
    disk = resource("AWS::EC2::Volume", Size=100, VolumeType="gp3", Iops=6000, Throughput=250)

    cost = price_template(template(Disk=disk), prices)

    assert cost.usd_per_hour == pytest.approx((100 * 0.08 + 3000 * 0.005 + 125 * 0.04) / HOURS)


def test_interface_endpoints_cost_per_az_and_gateway_endpoints_nothing(prices: PriceTable) -> None:
    interface = resource(
        "AWS::EC2::VPCEndpoint", VpcEndpointType="Interface", SubnetIds=["subnet-a", "subnet-b"]
    )
    gateway = resource("AWS::EC2::VPCEndpoint", ServiceName="com.amazonaws.us-east-1.s3")

    cost = price_template(template(Ssm=interface, S3=gateway), prices)

    assert cost.usd_per_hour == pytest.approx(2 * 0.01)


def test_serverless_resources_are_listed_as_usage_based_at_zero_an_hour(prices: PriceTable) -> None:
    cost = price_template(
        template(
            Fn=resource("AWS::Lambda::Function"),
            Fn2=resource("AWS::Lambda::Function"),
            Table=resource("AWS::DynamoDB::Table", BillingMode="PAY_PER_REQUEST"),
            Role=resource("AWS::IAM::Role"),
        ),
        prices,
    )

    assert cost.usd_per_hour == 0
    assert cost.usage_summary() == "DynamoDB::Table, Lambda::Function ×2"


def test_a_provisioned_table_pays_for_its_capacity_units_every_hour(prices: PriceTable) -> None:
    table = resource(
        "AWS::DynamoDB::Table", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    )

    cost = price_template(template(Table=table), prices)

    assert cost.usd_per_hour == pytest.approx(5 * 0.00013 + 5 * 0.00065)
    assert cost.usage_based == ()


def test_provisioned_concurrency_bills_its_environments_every_hour_and_a_plain_alias_nothing(
    prices: PriceTable,
) -> None:
    function = resource("AWS::Lambda::Function", MemorySize=1024, Architectures=["arm64"])
    version = resource("AWS::Lambda::Version", FunctionName={"Ref": "Fn"})
    warm = resource(
        "AWS::Lambda::Alias",
        FunctionName={"Ref": "Fn"},
        FunctionVersion={"Fn::GetAtt": ["Version", "Version"]},
        ProvisionedConcurrencyConfig={"ProvisionedConcurrentExecutions": 2},
    )
    plain = resource("AWS::Lambda::Alias", FunctionName={"Ref": "Fn"}, FunctionVersion="1")
    x86 = resource(
        "AWS::Lambda::Version",
        FunctionName={"Ref": "Fn86"},
        ProvisionedConcurrencyConfig={"ProvisionedConcurrentExecutions": 1},
    )

    cost = price_template(
        template(
            Fn=function,
            Version=version,
            Live=warm,
            Plain=plain,
            Fn86=resource("AWS::Lambda::Function"),
            V86=x86,
        ),
        prices,
    )

    # us-east-1 list prices per GB-second: arm64 $0.0000033334, x86_64 $0.0000041667 (128 MB by default)
    by_id = {item.logical_id: item for item in cost.items}
    assert set(by_id) == {"Live", "V86"}
    assert by_id["Live"].usd_per_hour == pytest.approx(2 * 0.0000033334 * 1 * 3600)
    assert "1024 MB, arm64" in by_id["Live"].what
    assert by_id["V86"].usd_per_hour == pytest.approx(0.0000041667 * 0.125 * 3600)


def test_provisioned_concurrency_of_a_function_outside_the_template_is_a_clear_error(
    prices: PriceTable,
) -> None:
    alias = resource(
        "AWS::Lambda::Alias",
        FunctionName="arn:aws:lambda:us-east-1:123456789012:function:elsewhere",
        ProvisionedConcurrencyConfig={"ProvisionedConcurrentExecutions": 1},
    )

    with pytest.raises(
        CostError, match="Live ProvisionedConcurrencyConfig: its function is not in the template"
    ):
        price_template(template(Live=alias), prices)


def test_monthly_fees_are_prorated_per_hour(prices: PriceTable) -> None:
    cost = price_template(template(Alarm=resource("AWS::CloudWatch::Alarm")), prices)

    assert cost.usd_per_hour == pytest.approx(0.10 / HOURS)


def test_the_price_table_is_dated_and_sourced(prices: PriceTable) -> None:
    assert prices.as_of >= "2026-01-01"
    assert prices.region == "us-east-1"
    assert "aws.amazon.com" in prices.source
    assert prices.instance_types["t4g.nano"].usd_per_hour == 0.0042
    assert prices.hours_per_month == HOURS


def mixed(*types: str, base: int = 0, percent: int = 0, weights: bool = False) -> dict[str, Any]:
    """A mixed-instances policy over `types` on the launch template `Template`."""
    return {
        "LaunchTemplate": {
            "LaunchTemplateSpecification": {"LaunchTemplateId": {"Ref": "Template"}, "Version": "1"},
            "Overrides": [
                {"InstanceType": t, **({"WeightedCapacity": "2"} if weights else {})} for t in types
            ],
        },
        "InstancesDistribution": {
            "OnDemandBaseCapacity": base,
            "OnDemandPercentageAboveBaseCapacity": percent,
        },
    }


def spot_group(policy: dict[str, Any]) -> dict[str, Any]:
    return group(LaunchTemplate=None, MixedInstancesPolicy=policy)


def test_a_spot_group_pays_the_dearest_pool_and_shows_the_same_instances_on_demand(
    prices: PriceTable,
) -> None:
    groups = spot_group(mixed("t4g.nano", "t4g.micro"))
    cost = price_template(
        template(Template=launch_template(), Private=subnet(public_ips=False), Group=groups), prices
    )

    (spot,) = [item for item in cost.items if item.what.startswith("Spot instance")]
    assert spot.quantity == 2
    assert spot.usd_per_hour == pytest.approx(2 * prices.spot_types["t4g.micro"].usd_per_hour_high)
    assert spot.on_demand_usd_per_hour == pytest.approx(2 * 0.0084)
    assert cost.has_spot
    assert cost.on_demand_usd_per_hour == pytest.approx(2 * (0.0084 + 8 * GP3_GIB))


def test_a_mixed_group_with_an_on_demand_base_pays_its_first_type_on_demand_for_it(
    prices: PriceTable,
) -> None:
    groups = spot_group(mixed("t4g.nano", "t4g.micro", base=1))
    cost = price_template(
        template(Template=launch_template(), Private=subnet(public_ips=False), Group=groups), prices
    )

    whats = sorted(item.what.split(":")[0] for item in cost.items)
    assert whats == [
        "8 GiB gp3 root volume",
        "Spot instance (t4g.nano/t4g.micro)",
        "t4g.nano instance (desired capacity)",
    ]


def test_weighted_overrides_are_a_clear_error_and_a_type_without_a_spot_price_counts_on_demand(
    prices: PriceTable,
) -> None:
    weighted = spot_group(mixed("t4g.nano", "t4g.micro", weights=True))
    unknown = spot_group(mixed("t4g.nano", "t3.nano"))

    with pytest.raises(CostError, match="weighted overrides cannot be priced"):
        price_template(
            template(Template=launch_template(), Private=subnet(public_ips=False), Group=weighted), prices
        )
    priced = price_template(
        template(Template=launch_template(), Private=subnet(public_ips=False), Group=unknown), prices
    )
    # AWS's Spot price never exceeds the on-demand price: t3.nano, with no Spot estimate, counts at that
    (spot,) = [item for item in priced.items if item.what.startswith("Spot")]
    assert spot.usd_per_hour == pytest.approx(2 * prices.instance("t3.nano", where="").usd_per_hour)
