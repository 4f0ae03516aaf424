"""`labkit preflight LAB`: before a deploy, check what the lab needs against the region's quotas and usage.

A lab that hits a quota fails halfway through its deploy (an Elastic IP that cannot be allocated rolls the
whole stack back), so the check reads the account's quotas from Service Quotas and its current usage from
EC2 first. The quota source is injectable: tests and emulators can answer for Service Quotas.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from rich.console import Console
from rich.markup import escape

from labs.cost.prices import PriceTable, load_prices
from labs.cost.resources import TemplateResources
from labs.settings import LAB_IDS

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_service_quotas import ServiceQuotasClient

HELP = (
    "check before a deploy that a lab fits the region's quotas (Elastic IPs, vCPUs, VPCs, internet gateways)"
)

NEAR_LIMIT = 0.8
# "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances": families by their leading letters;
# inf, trn, hpc, dl, mac and u- start with those letters but count against quotas of their own
_STANDARD_FAMILY = re.compile(r"^([acdhmrtz]\d|i\d|im\d|is\d)")


@dataclass(frozen=True, kw_only=True)
class Quota:
    name: str
    service_code: str
    quota_code: str
    # the documented default, used only when Service Quotas cannot answer
    aws_default: float
    remedy: str


ELASTIC_IPS = Quota(
    name="Elastic IPs",
    service_code="ec2",
    quota_code="L-0263D0A3",
    aws_default=5,
    remedy="Release addresses you no longer use (aws ec2 describe-addresses)",
)
STANDARD_VCPUS = Quota(
    name="On-Demand standard vCPUs",
    service_code="ec2",
    quota_code="L-1216C47A",
    aws_default=5,
    remedy="Stop or terminate instances you no longer use",
)
VPCS = Quota(
    name="VPCs",
    service_code="vpc",
    quota_code="L-F678F1CE",
    aws_default=5,
    remedy="Destroy labs you no longer use (labkit leftovers lists them)",
)
INTERNET_GATEWAYS = Quota(
    name="Internet gateways",
    service_code="vpc",
    quota_code="L-A4707A72",
    aws_default=5,
    remedy="Destroy labs you no longer use (labkit leftovers lists them)",
)
QUOTAS = (ELASTIC_IPS, STANDARD_VCPUS, VPCS, INTERNET_GATEWAYS)


@dataclass(frozen=True, kw_only=True)
class Limit:
    value: float
    source: str


class QuotaSource(Protocol):
    def limit(self, quota: Quota) -> Limit: ...


class ServiceQuotasSource:
    """The account's applied quota; else the AWS default from Service Quotas; else the kit's known default."""

    def __init__(self, client: ServiceQuotasClient) -> None:
        self.client = client

    def limit(self, quota: Quota) -> Limit:
        codes = {"ServiceCode": quota.service_code, "QuotaCode": quota.quota_code}
        try:
            applied = self.client.get_service_quota(**codes)["Quota"]
            return Limit(value=float(applied.get("Value", quota.aws_default)), source="applied quota")
        except ClientError as error:
            reason = _error_code(error)
        try:
            default = self.client.get_aws_default_service_quota(**codes)["Quota"]
            return Limit(
                value=float(default.get("Value", quota.aws_default)), source=f"AWS default ({reason})"
            )
        # NotImplementedError: moto answers in-process calls it does not implement with it
        except (ClientError, BotoCoreError, NotImplementedError):
            return Limit(value=quota.aws_default, source=f"AWS default assumed: Service Quotas said {reason}")


@dataclass(frozen=True, kw_only=True)
class Need:
    at_deploy: int
    # an Auto Scaling group may grow to its maximum after the deploy
    at_most: int


@dataclass(frozen=True, kw_only=True)
class QuotaCheck:
    quota: Quota
    used: int
    need: Need
    limit: Limit

    @property
    def after_deploy(self) -> int:
        return self.used + self.need.at_deploy

    @property
    def status(self) -> str:
        """over (the deploy fails), scaling (the group cannot reach its max), at-limit, near or ok."""
        if self.after_deploy > self.limit.value:
            return "over"
        if self.used + self.need.at_most > self.limit.value:
            return "scaling"
        if self.after_deploy == self.limit.value:
            return "at-limit"
        return "near" if self.after_deploy >= NEAR_LIMIT * self.limit.value else "ok"

    def message(self) -> str:
        figures = (
            f"{self.quota.name}: {self.used} used + {self.need.at_deploy} needed = {self.after_deploy} "
            f"of {self.limit.value:g} ({self.limit.source})"
        )
        verdicts = {
            "over": f"over the limit: the deploy would fail. {self.quota.remedy}, or request an increase "
            f"of {self.quota.service_code} quota {self.quota.quota_code}",
            "scaling": f"the deploy fits, but growing to its maximum needs {self.need.at_most}: "
            "scaling out would fail",
            "at-limit": "at the limit: the deploy fits, nothing more will",
            "near": "near the limit",
            "ok": "ok",
        }
        return f"{figures}: {verdicts[self.status]}"


def lab_needs(template: Mapping[str, Any], prices: PriceTable) -> dict[str, Need]:
    """Quota name -> how much of it the lab takes; quotas the lab does not touch are left out."""
    resources = TemplateResources(template)
    machines = [m for m in resources.machines() if is_standard_family(m.instance_type)]
    vcpus = {m.logical_id: prices.instance(m.instance_type, where=m.logical_id).vcpus for m in machines}
    needs = {
        ELASTIC_IPS.name: _same(resources.count("AWS::EC2::EIP")),
        STANDARD_VCPUS.name: Need(
            at_deploy=sum(m.count * vcpus[m.logical_id] for m in machines),
            at_most=sum(m.max_count * vcpus[m.logical_id] for m in machines),
        ),
        VPCS.name: _same(resources.count("AWS::EC2::VPC")),
        INTERNET_GATEWAYS.name: _same(resources.count("AWS::EC2::InternetGateway")),
    }
    return {name: need for name, need in needs.items() if need.at_most > 0}


def current_usage(ec2: EC2Client, quota: Quota) -> int:
    if quota is ELASTIC_IPS:
        return len(ec2.describe_addresses()["Addresses"])
    if quota is STANDARD_VCPUS:
        return running_standard_vcpus(ec2)
    if quota is VPCS:
        return sum(len(page["Vpcs"]) for page in ec2.get_paginator("describe_vpcs").paginate())
    if quota is INTERNET_GATEWAYS:
        pages = ec2.get_paginator("describe_internet_gateways").paginate()
        return sum(len(page["InternetGateways"]) for page in pages)
    raise ValueError(f"no usage reader for quota {quota.name}")


def running_standard_vcpus(ec2: EC2Client) -> int:
    """vCPUs of pending and running On-Demand instances of the standard families (what L-1216C47A counts)."""
    types: list[str] = []
    pages = ec2.get_paginator("describe_instances").paginate(
        Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}]
    )
    for page in pages:
        for reservation in page["Reservations"]:
            types += [
                instance["InstanceType"]
                for instance in reservation["Instances"]
                if instance.get("InstanceLifecycle") != "spot"
                and is_standard_family(instance["InstanceType"])
            ]
    vcpus = vcpus_of_types(ec2, sorted(set(types)))
    return sum(vcpus[instance_type] for instance_type in types)


def vcpus_of_types(ec2: EC2Client, instance_types: Sequence[str]) -> dict[str, int]:
    vcpus: dict[str, int] = {}
    for start in range(0, len(instance_types), 100):  # DescribeInstanceTypes takes 100 names a call
        batch = list(instance_types[start : start + 100])
        for info in ec2.describe_instance_types(InstanceTypes=batch)["InstanceTypes"]:  # type: ignore[arg-type]
            vcpus[info["InstanceType"]] = info["VCpuInfo"]["DefaultVCpus"]
    return vcpus


def is_standard_family(instance_type: str) -> bool:
    return bool(_STANDARD_FAMILY.match(instance_type))


def check_quotas(
    template: Mapping[str, Any], *, ec2: EC2Client, quotas: QuotaSource, prices: PriceTable
) -> list[QuotaCheck]:
    """One check per quota the lab touches: current usage + what the lab needs, against the limit."""
    needs = lab_needs(template, prices)
    return [
        QuotaCheck(
            quota=quota, used=current_usage(ec2, quota), need=needs[quota.name], limit=quotas.limit(quota)
        )
        for quota in QUOTAS
        if quota.name in needs
    ]


def exit_code(checks: Sequence[QuotaCheck]) -> int:
    """1 when a quota would stop the deploy, else 0 (warnings included)."""
    return 1 if any(check.status == "over" for check in checks) else 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "lab", metavar="LAB", choices=LAB_IDS, help=f"the lab to deploy: {', '.join(LAB_IDS)}"
    )
    parser.add_argument("--region", help="the region to check (default: the AWS CLI's region)")


def run(args: argparse.Namespace) -> int:
    session = boto3.session.Session(region_name=args.region)
    region = session.region_name
    if not region:
        print("labkit preflight: no region: pass --region or set AWS_REGION", file=sys.stderr)
        return 2
    template = lab_template(args.lab)
    # long lines wrap in the terminal, not at rich's 80 columns when piped
    console = Console(soft_wrap=True)
    prices = load_prices()
    if not lab_needs(template, prices):
        console.print(
            f"{args.lab} creates no Elastic IP, instance, VPC or internet gateway: nothing to check."
        )
        return 0
    try:
        checks = check_quotas(
            template,
            ec2=session.client("ec2"),
            quotas=ServiceQuotasSource(session.client("service-quotas")),
            prices=prices,
        )
    except NoCredentialsError:
        print("labkit preflight: no AWS credentials: sign in to the sandbox account first", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError) as error:
        print(f"labkit preflight: cannot read the account's usage: {error}", file=sys.stderr)
        return 2
    print_checks(console, args.lab, region, checks)
    return exit_code(checks)


def lab_template(lab_id: str) -> dict[str, Any]:
    # the CDK import and synth take seconds: only the preflight itself pays for them
    from labs.cost.synth import synthesize_labs

    return synthesize_labs(with_cdk_defaults=False).kit[lab_id]


def print_checks(console: Console, lab_id: str, region: str, checks: Sequence[QuotaCheck]) -> None:
    styles = {"over": "bold red", "scaling": "yellow", "at-limit": "yellow", "near": "yellow", "ok": "green"}
    console.print(f"Preflight of {lab_id} in {region}:")
    for check in checks:
        console.print(
            f"  [{styles[check.status]}]{check.status:>8}[/] {escape(check.message())}", highlight=False
        )
    console.print(summary(lab_id, checks))


def summary(lab_id: str, checks: Sequence[QuotaCheck]) -> str:
    if exit_code(checks):
        return f"{lab_id} would hit a quota: fix the line marked 'over' before `cdk deploy`."
    if all(check.status == "ok" for check in checks):
        return f"{lab_id} fits the region's quotas."
    return f"{lab_id} fits the region's quotas, with the warnings above."


def _same(count: int) -> Need:
    return Need(at_deploy=count, at_most=count)


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "an error"))
