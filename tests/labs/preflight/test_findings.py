"""Landing-zone findings checked without the emulator: Lambda concurrency for a class, the Powertools
layer's regions, the default EBS key's policy, and a zone change that cannot conflict with the old subnet."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from labs.cost.prices import PriceTable, load_prices
from labs.preflight.lab_lines import powertools_region_line
from labs.preflight.quotas import FARGATE_VCPUS, LAMBDA_CONCURRENCY, Limit, Quota, check_quotas
from labs.preflight.results import FAIL, OK
from labs.preflight.service_roles import auto_scaling_role_arn, missing_key_permissions
from labs.settings import LabSettings
from labs.shared_facts import (
    POWERTOOLS_LAYER_REGIONS,
    UnsupportedRegionError,
    powertools_layer_arn,
    zone_subnet_cidr,
)
from tests.check_helpers import mocked_session
from tests.synth import CDK_GROUP, FIXED_NOW, Template, props, resources, synth_lab

ACCOUNT = "123456789012"


class NewAccount:
    """Service Quotas of a new account: Lambda concurrency 10, AWS's defaults elsewhere."""

    def limit(self, quota: Quota) -> Limit:
        value = 10 if quota is LAMBDA_CONCURRENCY else quota.aws_default
        return Limit(value=value, source="applied quota")


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


@pytest.fixture(scope="module")
def prices() -> PriceTable:
    return load_prices()


def test_a_class_of_30_on_a_function_lab_is_over_a_new_accounts_lambda_concurrency(
    session: boto3.Session, templates: dict[str, Template], prices: PriceTable
) -> None:
    ec2 = session.client("ec2")
    checks = check_quotas(
        templates["LabStepFunction"], ec2=ec2, quotas=NewAccount(), prices=prices, learners=30
    )

    (concurrency,) = [c for c in checks if c.quota is LAMBDA_CONCURRENCY]
    line = concurrency.line()
    assert line.status == FAIL
    assert line.check == "quota Lambda concurrent executions (lambda L-B99A9384)"
    assert "60 needed (30 learners × 2) = 60 of 10" in line.detail
    assert "throttled" in line.detail
    assert "--service-code lambda --quota-code L-B99A9384 --desired-value 60" in line.fix
    single = check_quotas(templates["LabStepFunction"], ec2=ec2, quotas=NewAccount(), prices=prices)
    assert [c.status for c in single if c.quota is LAMBDA_CONCURRENCY] == ["ok"]
    no_functions = check_quotas(templates["LabAsg"], ec2=ec2, quotas=NewAccount(), prices=prices)
    assert LAMBDA_CONCURRENCY not in [c.quota for c in no_functions]


def test_a_class_of_30_on_lab_batch_deploys_but_its_array_jobs_would_wait_for_fargate_vcpus(
    session: boto3.Session, templates: dict[str, Template], prices: PriceTable
) -> None:
    ec2 = session.client("ec2")
    checks = check_quotas(templates["LabBatch"], ec2=ec2, quotas=NewAccount(), prices=prices, learners=30)

    (fargate,) = [c for c in checks if c.quota is FARGATE_VCPUS]
    line = fargate.line()
    # the deploy takes no vCPU: the line passes, and names the increase the class's jobs need together
    assert (fargate.status, line.status) == ("scaling", OK)
    assert line.check == "quota Fargate On-Demand vCPUs (fargate L-3032A538)"
    assert "0 used + 0 needed" in line.detail
    assert "growing to its maximum needs 120: array jobs submitted together would wait in RUNNABLE" in (
        line.detail
    )
    assert line.fix == (
        "aws service-quotas request-service-quota-increase --service-code fargate --quota-code L-3032A538 "
        "--desired-value 120"
    )
    single = check_quotas(templates["LabBatch"], ec2=ec2, quotas=NewAccount(), prices=prices)
    assert [c.status for c in single if c.quota is FARGATE_VCPUS] == ["ok"]
    no_batch = check_quotas(templates["LabStepFunction"], ec2=ec2, quotas=NewAccount(), prices=prices)
    assert FARGATE_VCPUS not in [c.quota for c in no_batch]


def test_a_region_without_the_powertools_layer_is_refused_at_synth_and_in_preflight(
    templates: dict[str, Template],
) -> None:
    assert "ca-west-1" not in POWERTOOLS_LAYER_REGIONS
    with pytest.raises(UnsupportedRegionError, match="not published in ca-west-1"):
        powertools_layer_arn("ca-west-1")
    assert powertools_layer_arn("eu-west-1").startswith("arn:aws:lambda:eu-west-1:017000801446:layer:")
    assert powertools_region_line("ca-west-1").status == FAIL
    assert "eu-central-1" in powertools_region_line("ca-west-1").detail
    assert powertools_region_line("us-east-1").status == OK
    # the stacks are environment-agnostic: the template itself refuses the region before creating anything
    for lab_id in ("LabDdbStream", "LabStepFunction"):
        (rule_id,) = [name for name in templates[lab_id]["Rules"] if "PowertoolsLayerRegion" in name]
        rule = templates[lab_id]["Rules"][rule_id]["Assertions"][0]
        regions, region = rule["Assert"]["Fn::Contains"]
        assert (sorted(regions), region) == (sorted(POWERTOOLS_LAYER_REGIONS), {"Ref": "AWS::Region"})
        assert "not published in this region" in rule["AssertDescription"]


def test_a_key_policy_must_grant_auto_scalings_role_use_and_create_grant() -> None:
    role = auto_scaling_role_arn(ACCOUNT)
    account_only = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*"}
        ]
    }
    use_only = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": role},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:DescribeKey",
                ],
            }
        ]
    }
    assert missing_key_permissions(account_only, role)[0] == "kms:Encrypt"
    assert missing_key_permissions(use_only, role) == ["kms:CreateGrant"]
    both = {
        "Statement": [
            *use_only["Statement"],
            {"Effect": "Allow", "Principal": {"AWS": role}, "Action": "kms:CreateGrant"},
        ]
    }
    assert missing_key_permissions(both, role) == []


def test_each_zone_gets_its_own_subnet_cidr_so_a_zone_change_does_not_conflict() -> None:
    cidrs = [zone_subnet_cidr(f"us-east-1{letter}") for letter in "abcdef"]
    assert len(set(cidrs)) == 6
    # clear of the default template's two subnets (zones from Fn::GetAZs), which a zone change may outlive
    assert all(int(cidr.split(".")[3].split("/")[0]) >= 128 for cidr in cidrs)
    assert zone_subnet_cidr("us-east-1a") == "10.0.0.128/28"


@CDK_GROUP
def test_lab_ec2_in_another_zone_has_another_subnet_cidr() -> None:
    def subnet_cidrs(zone: str | None) -> list[str]:
        template = synth_lab("LabEc2", LabSettings(now=FIXED_NOW, availability_zone=zone))
        return sorted(str(props(s)["CidrBlock"]) for s in resources(template, "AWS::EC2::Subnet").values())

    assert subnet_cidrs(None) == ["10.0.0.0/26", "10.0.0.64/26"]
    assert subnet_cidrs("us-east-1b") == ["10.0.0.144/28"]
    assert subnet_cidrs("us-east-1c") == ["10.0.0.160/28"]


def test_a_class_preflight_adds_up_lambda_concurrency_over_the_labs(
    templates: dict[str, Template], prices: PriceTable
) -> None:
    from labs.classroom.preflight import class_needs
    from labs.preflight.quotas import Need

    needs = class_needs(templates, ("LabDdbStream", "LabStepFunction", "LabEc2"), prices)
    assert needs[LAMBDA_CONCURRENCY.name] == Need(at_deploy=4, at_most=4)
