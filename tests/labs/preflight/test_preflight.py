"""`labkit preflight` on moto: the lab's needs against quotas near and far from their limits."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

import pytest

from labs.cost.prices import PriceTable
from labs.deployed.session import new_session
from labs.preflight import command
from labs.preflight.quotas import (
    ELASTIC_IPS,
    SPOT_STANDARD_VCPUS,
    STANDARD_VCPUS,
    VPCS,
    Limit,
    Need,
    Quota,
    QuotaCheck,
    ServiceQuotasSource,
    check_quotas,
    lab_needs,
)
from labs.preflight.results import exit_code as lines_exit_code
from labs.preflight.usage import is_standard_family
from tests.labs.preflight.accounts import (
    REGION,
    Template,
    allocate_elastic_ips,
    checks_by_quota,
    run_instances,
)


def exit_code(checks: list[QuotaCheck]) -> int:
    """The exit code preflight ends with for these quota checks alone."""
    return lines_exit_code([check.line() for check in checks])


if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client


def test_lab_needs_come_from_the_synthesized_templates(
    templates: dict[str, Template], prices: PriceTable
) -> None:
    assert lab_needs(templates["LabEc2"], prices) == {
        "Elastic IPs": Need(at_deploy=1, at_most=1),
        "On-Demand standard vCPUs": Need(at_deploy=2, at_most=2),
        "VPCs": Need(at_deploy=1, at_most=1),
        "Internet gateways": Need(at_deploy=1, at_most=1),
    }
    # desired 2 nanos at deploy, up to 4 when the group scales out
    assert lab_needs(templates["LabAsg"], prices) == {
        "On-Demand standard vCPUs": Need(at_deploy=4, at_most=8),
        "VPCs": Need(at_deploy=1, at_most=1),
    }
    # a group all on Spot takes none of the on-demand quota; a Spot instance may be any of its 2-vCPU types
    # and its event filter, invoked for every Spot event of the region
    assert lab_needs(templates["LabSpot"], prices) == {
        "Spot standard vCPUs": Need(at_deploy=2, at_most=4),
        "VPCs": Need(at_deploy=1, at_most=1),
        "Lambda concurrent executions": Need(at_deploy=1, at_most=1),
    }
    # each function may run once per learner at once: the writer and the bucket cleaner
    assert lab_needs(templates["LabDdbStream"], prices) == {
        "Lambda concurrent executions": Need(at_deploy=2, at_most=2)
    }
    # the deploy starts no Fargate task; an array job takes the compute environment's maxvCpus at most
    assert lab_needs(templates["LabBatch"], prices) == {
        "Lambda concurrent executions": Need(at_deploy=2, at_most=2),
        "Fargate On-Demand vCPUs": Need(at_deploy=0, at_most=4),
        "VPCs": Need(at_deploy=1, at_most=1),
        "Internet gateways": Need(at_deploy=1, at_most=1),
    }


def test_far_from_every_limit_lab_ec2_is_ok(
    templates: dict[str, Template], ec2: EC2Client, service_quotas: ServiceQuotasSource, prices: PriceTable
) -> None:
    checks = check_quotas(templates["LabEc2"], ec2=ec2, quotas=service_quotas, prices=prices)

    assert {check.quota.name: check.status for check in checks} == {
        "Elastic IPs": "ok",
        "On-Demand standard vCPUs": "ok",
        "VPCs": "ok",
        "Internet gateways": "ok",
    }
    assert exit_code(checks) == 0


def test_four_elastic_ips_in_use_leave_lab_ec2_exactly_at_the_limit(
    templates: dict[str, Template], ec2: EC2Client, service_quotas: ServiceQuotasSource, prices: PriceTable
) -> None:
    allocate_elastic_ips(ec2, 4)

    checks = check_quotas(templates["LabEc2"], ec2=ec2, quotas=service_quotas, prices=prices)

    addresses = checks_by_quota(checks)["Elastic IPs"]
    assert addresses.status == "at-limit"
    assert "Elastic IPs: 4 used + 1 needed = 5 of 5" in addresses.message()
    assert exit_code(checks) == 0


def test_five_elastic_ips_in_use_stop_lab_ec2_before_the_deploy(
    templates: dict[str, Template], ec2: EC2Client, service_quotas: ServiceQuotasSource, prices: PriceTable
) -> None:
    allocate_elastic_ips(ec2, 5)

    checks = check_quotas(templates["LabEc2"], ec2=ec2, quotas=service_quotas, prices=prices)

    message = checks_by_quota(checks)["Elastic IPs"].message()
    assert "5 used + 1 needed = 6 of 5" in message
    assert "the deploy would fail" in message
    assert "L-0263D0A3" in message
    assert exit_code(checks) == 1


def test_a_raised_quota_lets_the_same_account_deploy(
    templates: dict[str, Template], ec2: EC2Client, prices: PriceTable
) -> None:
    class RaisedElasticIpQuota:
        def limit(self, quota: Quota) -> Limit:
            return Limit(value=10 if quota is ELASTIC_IPS else quota.aws_default, source="applied quota")

    allocate_elastic_ips(ec2, 5)

    checks = check_quotas(templates["LabEc2"], ec2=ec2, quotas=RaisedElasticIpQuota(), prices=prices)

    assert checks_by_quota(checks)["Elastic IPs"].status == "ok"
    assert exit_code(checks) == 0


def test_the_vpc_quota_is_read_from_service_quotas(
    templates: dict[str, Template], ec2: EC2Client, service_quotas: ServiceQuotasSource, prices: PriceTable
) -> None:
    for index in range(4):  # moto's account already has its default VPC
        ec2.create_vpc(CidrBlock=f"10.{index}.0.0/16")

    checks = check_quotas(templates["LabEc2"], ec2=ec2, quotas=service_quotas, prices=prices)

    vpcs = checks_by_quota(checks)["VPCs"]
    assert vpcs.limit == Limit(value=5, source="applied quota")
    assert "5 used + 1 needed = 6 of 5" in vpcs.message()
    assert exit_code(checks) == 1


def test_ec2_quotas_fall_back_to_the_aws_default_and_say_so(service_quotas: ServiceQuotasSource) -> None:
    # moto's Service Quotas knows only the vpc service: EC2 quotas answer NoSuchResourceException
    limit = service_quotas.limit(ELASTIC_IPS)

    assert limit.value == 5
    assert limit.source == "AWS default assumed: Service Quotas said NoSuchResourceException"


def test_running_instances_count_against_the_vcpu_quota(
    templates: dict[str, Template], ec2: EC2Client, service_quotas: ServiceQuotasSource, prices: PriceTable
) -> None:
    run_instances(ec2, "t3.micro", 2)
    run_instances(ec2, "g5.xlarge", 1)  # a G instance counts against a quota of its own

    checks = check_quotas(templates["LabEc2"], ec2=ec2, quotas=service_quotas, prices=prices)

    vcpus = checks_by_quota(checks)["On-Demand standard vCPUs"]
    assert "4 used + 2 needed = 6 of 5" in vcpus.message()
    assert exit_code(checks) == 1


def test_a_group_that_fits_but_cannot_reach_its_maximum_is_a_warning(
    templates: dict[str, Template], ec2: EC2Client, service_quotas: ServiceQuotasSource, prices: PriceTable
) -> None:
    checks = check_quotas(templates["LabAsg"], ec2=ec2, quotas=service_quotas, prices=prices)

    vcpus = checks_by_quota(checks)["On-Demand standard vCPUs"]
    assert vcpus.status == "scaling"
    assert "0 used + 4 needed = 4 of 5" in vcpus.message()
    assert "needs 8: scaling out would fail" in vcpus.message()
    assert exit_code(checks) == 0


@pytest.mark.parametrize(
    ("instance_type", "standard"),
    [
        ("t4g.nano", True),
        ("m7i.large", True),
        ("im4gn.large", True),
        ("inf1.xlarge", False),
        ("trn1.2xlarge", False),
    ],
)
def test_only_standard_families_count_against_the_standard_vcpu_quota(
    instance_type: str, standard: bool
) -> None:
    assert is_standard_family(instance_type) is standard


def preflight_args(lab: str, **options: Any) -> argparse.Namespace:
    defaults = {
        "region": REGION,
        "learners": 1,
        "zone": None,
        "toolkit_stack_name": None,
        "context": [],
        "app": None,
    }
    return argparse.Namespace(lab=lab, **{**defaults, **options})


def bootstrap_the_emulator_account(ec2: EC2Client) -> None:
    """What `cdk bootstrap` leaves that preflight reads: the toolkit stack, its version, its exec role."""
    session = new_session(region_name=REGION)
    template = {
        "Resources": {
            "Version": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Name": "/cdk-bootstrap/hnb659fds/version", "Type": "String", "Value": "30"},
            }
        }
    }
    session.client("cloudformation").create_stack(StackName="CDKToolkit", TemplateBody=json.dumps(template))
    role = f"cdk-hnb659fds-cfn-exec-role-123456789012-{REGION}"
    session.client("iam").create_role(RoleName=role, AssumeRolePolicyDocument="{}")


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch, templates: dict[str, Template]) -> None:
    """A wide terminal, so table cells read whole; the lab templates without a synth per test."""
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setattr(command, "lab_template", lambda lab_id, assembly=None: templates[lab_id])


def test_a_class_of_30_names_each_quota_it_exceeds_and_the_increase_to_request(
    wide: None, ec2: EC2Client, capsys: pytest.CaptureFixture[str]
) -> None:
    bootstrap_the_emulator_account(ec2)

    code = command.run(preflight_args("LabEc2", learners=30))

    out = capsys.readouterr().out
    assert code == 1
    assert "Preflight of LabEc2 for 30 learners in us-east-1" in out
    assert "0 used + 30 needed (30 learners × 1) = 30 of 5" in out
    for quota_code, desired in (
        ("L-0263D0A3", 30),
        ("L-1216C47A", 60),
        ("L-F678F1CE", 31),
        ("L-A4707A72", 30),
    ):
        assert f"--quota-code {quota_code} --desired-value {desired}" in out
    assert out.count("│ fail ") == 4
    assert "expiry can delete the stack" in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("LabEc2: 4 blocker(s): quota "), last  # each named on the last line
    assert last.endswith("fix them before `cdk deploy` (each line's fix says how).")


def test_one_learner_in_a_bootstrapped_account_is_ready(
    wide: None, ec2: EC2Client, capsys: pytest.CaptureFixture[str]
) -> None:
    bootstrap_the_emulator_account(ec2)

    code = command.run(preflight_args("LabEc2"))

    out = capsys.readouterr().out
    assert code == 0, out
    assert "fail" not in out
    assert "t4g.nano offered in LabEc2's zones" in out
    assert "LabEc2: ready to deploy, every line passes." in out


def test_a_serverless_lab_checks_the_landing_zone_and_lambda_concurrency_but_no_instance(
    wide: None, ec2: EC2Client, capsys: pytest.CaptureFixture[str]
) -> None:
    code = command.run(preflight_args("LabStepFunction", context=["permissionsBoundary=LabBoundary"]))

    out = capsys.readouterr().out
    assert code == 1
    assert "CDK bootstrap (qualifier hnb659fds, stack CDKToolkit)" in out
    assert "permissions boundary arn:aws:iam::123456789012:policy/LabBoundary exists" in out
    quotas = [line for line in out.splitlines() if "quota " in line and "(" in line]
    assert quotas
    assert all("Lambda concurrent executions (lambda L-B99A9384)" in line for line in quotas)
    assert "offered in" not in out


def test_a_custom_qualifier_and_toolkit_stack_reach_every_bootstrap_line(
    wide: None, ec2: EC2Client, capsys: pytest.CaptureFixture[str]
) -> None:
    command.run(
        preflight_args(
            "LabDdbStream", toolkit_stack_name="LzToolkit", context=["@aws-cdk/core:bootstrapQualifier=lz01"]
        )
    )

    out = capsys.readouterr().out
    assert "CDK bootstrap (qualifier lz01, stack LzToolkit)" in out
    assert "cdk-lz01-cfn-exec-role-123456789012-us-east-1" in out
    assert "--qualifier lz01 --toolkit-stack-name LzToolkit" in out


def test_a_bad_context_option_is_refused(aws: None) -> None:
    with pytest.raises(ValueError, match="give context as key=value"):
        command.run(preflight_args("LabEc2", context=["permissionsBoundary"]))


def test_the_command_asks_for_a_region_when_none_is_set(
    aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")

    code = command.run(preflight_args("LabEc2", region=None))

    assert code == 2
    assert "pass --region" in capsys.readouterr().err


def test_with_only_aws_region_set_the_command_checks_that_region(
    wide: None, ec2: EC2Client, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # as `cdk deploy` reads it: the region the lab would go to, not boto3's AWS_DEFAULT_REGION alone
    bootstrap_the_emulator_account(ec2)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_REGION", REGION)

    code = command.run(preflight_args("LabEc2", region=None))

    out = capsys.readouterr().out
    assert code == 0, out
    assert "LabEc2: ready to deploy, every line passes." in out


def test_quota_check_statuses_follow_used_plus_needed() -> None:
    def status(used: int, at_deploy: int, at_most: int) -> str:
        need = Need(at_deploy=at_deploy, at_most=at_most)
        return QuotaCheck(quota=VPCS, used=used, need=need, limit=Limit(value=5, source="test")).status

    assert [status(0, 1, 1), status(3, 1, 1), status(4, 1, 1), status(5, 1, 1), status(0, 4, 8)] == [
        "ok",
        "near",
        "at-limit",
        "over",
        "scaling",
    ]
    assert STANDARD_VCPUS.quota_code == "L-1216C47A"
    assert SPOT_STANDARD_VCPUS.quota_code == "L-34B43A08"
