"""The quotas a lab deploy can hit, where their limits come from, and what one lab needs of each.

A lab that hits a quota fails halfway through its deploy (an Elastic IP that cannot be allocated rolls the
whole stack back), so the preflight reads the account's quotas from Service Quotas first. The quota source
is injectable: tests and emulators can answer for Service Quotas.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from labs.catalogue import entries
from labs.catalogue.batch import COMPUTE_ENVIRONMENT
from labs.cost.prices import PriceTable
from labs.cost.resources import TemplateResources
from labs.deployed.session import error_code
from labs.preflight import usage
from labs.preflight.results import FAIL, OK, Line
from labs.preflight.usage import is_standard_family

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_service_quotas import ServiceQuotasClient

NEAR_LIMIT = 0.8
# what a preflight needs to read the account's use of the quotas
QUOTA_READS = "allow ec2:Describe* and elasticfilesystem:DescribeFileSystems to read what the account uses"


@dataclass(frozen=True, kw_only=True)
class Quota:
    """A service quota the labs use, and what to do when it is too low."""

    name: str
    service_code: str
    quota_code: str
    # the documented default, used only when Service Quotas cannot answer
    aws_default: float
    remedy: str
    # reads what the account already uses of this quota, with a client of the service `reads` names
    in_use: Callable[[Any], int]
    # what a learner sees when the class needs more than the limit
    over_means: str = "the deploy would fail"
    # what a learner sees when the deploy fits but the lab's use at its largest does not
    growing_means: str = "scaling out would fail"
    reads: str = "ec2"


ELASTIC_IPS = Quota(
    name="Elastic IPs",
    service_code="ec2",
    quota_code="L-0263D0A3",
    aws_default=5,
    remedy="Release addresses you no longer use (aws ec2 describe-addresses)",
    in_use=usage.elastic_ips,
)
STANDARD_VCPUS = Quota(
    name="On-Demand standard vCPUs",
    service_code="ec2",
    quota_code="L-1216C47A",
    aws_default=5,
    remedy="Stop or terminate instances you no longer use",
    in_use=usage.running_standard_vcpus,
)
# Spot instances count against a quota of their own, not the on-demand one (EC2 user guide, "Spot Instance
# quotas": vCPUs, default 5); a group over it fails its launches and the stack with them
SPOT_STANDARD_VCPUS = Quota(
    name="Spot standard vCPUs",
    service_code="ec2",
    quota_code="L-34B43A08",
    aws_default=5,
    remedy="Terminate Spot instances and cancel Spot requests you no longer use",
    in_use=usage.standard_spot_vcpus,
    over_means="the group's Spot launches would fail (Max spot instance count exceeded), and the deploy",
)
VPCS = Quota(
    name="VPCs",
    service_code="vpc",
    quota_code="L-F678F1CE",
    aws_default=5,
    remedy="Destroy labs you no longer use (labkit leftovers lists them)",
    in_use=usage.vpcs,
)
INTERNET_GATEWAYS = Quota(
    name="Internet gateways",
    service_code="vpc",
    quota_code="L-A4707A72",
    aws_default=5,
    remedy="Destroy labs you no longer use (labkit leftovers lists them)",
    in_use=usage.internet_gateways,
)
# a new account's limit can be 10 (Lambda developer guide, "Lambda quotas"); each function of a lab may run
# once per learner at the same time, and what is over the limit is throttled, not queued for ever
LAMBDA_CONCURRENCY = Quota(
    name="Lambda concurrent executions",
    service_code="lambda",
    quota_code="L-B99A9384",
    aws_default=1000,
    remedy="Stagger the class so fewer learners run the function labs at once",
    in_use=usage.nothing_reserved,
    over_means="invocations would be throttled: stream batches and state machine runs wait, retry and fail",
)
# Batch's Fargate children count against Fargate's own vCPU quota, not EC2's (ECS developer guide, "Amazon ECS
# service quotas": Fargate On-Demand vCPU resource count); a compute environment takes at most its maxvCpus of
# it while its jobs run, and over the quota its jobs wait in RUNNABLE (the deploy itself takes none)
FARGATE_VCPUS = Quota(
    name="Fargate On-Demand vCPUs",
    service_code="fargate",
    quota_code="L-3032A538",
    # what a new account often has; Service Quotas answers with the account's own value first
    aws_default=6,
    remedy="Stagger the class: each learner's array job takes its compute environment's maxvCpus while it "
    "runs",
    in_use=usage.nothing_reserved,
    over_means="the class's array jobs would wait in RUNNABLE for each other's vCPUs, one learner after "
    "another",
    growing_means="array jobs submitted together would wait in RUNNABLE for each other's vCPUs",
)
# one per file system (EFS user guide, "Amazon EFS quotas"); a lab's mount targets and access points count
# against quotas of its own VPC and file system, which no class nears
EFS_FILE_SYSTEMS = Quota(
    name="EFS file systems",
    service_code="elasticfilesystem",
    quota_code="L-848C634D",
    aws_default=1000,
    remedy="Delete file systems you no longer use (aws efs describe-file-systems; labkit leftovers)",
    in_use=usage.efs_file_systems,
    reads="efs",
)
QUOTAS = (
    ELASTIC_IPS,
    STANDARD_VCPUS,
    SPOT_STANDARD_VCPUS,
    VPCS,
    INTERNET_GATEWAYS,
    LAMBDA_CONCURRENCY,
    FARGATE_VCPUS,
    EFS_FILE_SYSTEMS,
)


@dataclass(frozen=True, kw_only=True)
class Limit:
    """A quota's value, and where it was read."""

    value: float
    source: str


class QuotaSource(Protocol):
    """Where quota values come from."""

    def limit(self, quota: Quota) -> Limit:
        """The value of the quota."""
        ...


class ServiceQuotasSource:
    """The account's applied quota; else the AWS default from Service Quotas; else the kit's known default."""

    def __init__(self, client: ServiceQuotasClient) -> None:
        self.client = client

    def limit(self, quota: Quota) -> Limit:
        """The quota's applied value, else its AWS default, else the kit's known default."""
        codes = {"ServiceCode": quota.service_code, "QuotaCode": quota.quota_code}
        try:
            applied = self.client.get_service_quota(**codes)["Quota"]
            return Limit(value=float(applied.get("Value", quota.aws_default)), source="applied quota")
        except ClientError as error:
            reason = error_code(error) or "an error"
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
    """How much of a quota the deploys need, at once and at most."""

    at_deploy: int
    # an Auto Scaling group may grow to its maximum after the deploy
    at_most: int

    def times(self, learners: int) -> Need:
        """The need of that many learners."""
        return Need(at_deploy=self.at_deploy * learners, at_most=self.at_most * learners)


@dataclass(frozen=True, kw_only=True)
class QuotaCheck:
    """A quota, what is used of it, and what the deploys need."""

    quota: Quota
    used: int
    need: Need
    limit: Limit
    # a class: `need` is already every learner's, one lab each
    learners: int = 1

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

    def figures(self) -> str:
        """The used, needed and limit figures in words."""
        per_learner = (
            f" ({self.learners} learners × {self.need.at_deploy // self.learners})"
            if self.learners > 1
            else ""
        )
        return (
            f"{self.quota.name}: {self.used} used + {self.need.at_deploy} needed{per_learner} = "
            f"{self.after_deploy} of {self.limit.value:g} ({self.limit.source})"
        )

    def message(self) -> str:
        """The verdict on the quota and its remedy, in words."""
        verdicts = {
            "over": f"over the limit: {self.quota.over_means}. {self.quota.remedy}, or request an increase "
            f"of {self.quota.service_code} quota {self.quota.quota_code} to {self.used + self.need.at_most}",
            "scaling": f"the deploy fits, but growing to its maximum needs {self.need.at_most}: "
            f"{self.quota.growing_means}",
            "at-limit": "at the limit: the deploy fits, nothing more will",
            "near": "near the limit",
            "ok": "ok",
        }
        return f"{self.figures()}: {verdicts[self.status]}"

    def increase_command(self) -> str:
        """The Service Quotas request for what the account uses plus the class at its largest."""
        return (
            "aws service-quotas request-service-quota-increase "
            f"--service-code {self.quota.service_code} --quota-code {self.quota.quota_code} "
            f"--desired-value {self.used + self.need.at_most}"
        )

    def line(self) -> Line:
        """The check as a preflight line: fail only when the deploy itself would fail."""
        check = f"quota {self.quota.name} ({self.quota.service_code} {self.quota.quota_code})"
        if self.status == "over":
            detail = f"{self.figures()}: {self.quota.over_means}"
            fix = f"{self.increase_command()} (or: {self.quota.remedy.lower()})"
            return Line(check=check, status=FAIL, detail=detail, fix=fix)
        fix = self.increase_command() if self.status == "scaling" else ""
        return Line(check=check, status=OK, detail=self.message(), fix=fix)


def lab_needs(template: Mapping[str, Any], prices: PriceTable) -> dict[str, Need]:
    """Quota name -> how much of it the lab takes; quotas the lab does not touch are left out."""
    resources = TemplateResources(template)
    machines = [m for m in resources.machines() if is_standard_family(m.instance_type)]
    vcpus = {m.logical_id: prices.instance(m.instance_type, where=m.logical_id).vcpus for m in machines}
    # a Spot instance may be any of the group's standard types: count the largest
    spot_vcpus = {
        m.logical_id: max(prices.instance(t, where=m.logical_id).vcpus for t in standard)
        for m in machines
        if (standard := [t for t in m.spot_types if is_standard_family(t)])
    }
    needs = {quota.name: _same(count) for quota, count in _counted(resources).items()} | {
        STANDARD_VCPUS.name: Need(
            at_deploy=sum((m.count - m.spot_count) * vcpus[m.logical_id] for m in machines),
            at_most=sum((m.max_count - m.spot_max_count) * vcpus[m.logical_id] for m in machines),
        ),
        SPOT_STANDARD_VCPUS.name: Need(
            at_deploy=sum(m.spot_count * spot_vcpus.get(m.logical_id, 0) for m in machines),
            at_most=sum(m.spot_max_count * spot_vcpus.get(m.logical_id, 0) for m in machines),
        ),
        FARGATE_VCPUS.name: Need(at_deploy=0, at_most=fargate_max_vcpus(resources)),
    }
    return {name: need for name, need in needs.items() if need.at_most > 0}


def _counted(resources: TemplateResources) -> dict[Quota, int]:
    """Each quota that counts resources, by how many of the template's resources count against it (their
    catalogue entries name the quota); types without an entry count against none and preflight names them."""
    by_code = {(quota.service_code, quota.quota_code): quota for quota in QUOTAS}
    counted: dict[Quota, int] = {}
    for cfn_type, found in entries().items():
        use = found.quota
        if use is None or use.counts != "resources":
            continue
        quota = by_code[(use.service_code, use.quota_code)]
        counted[quota] = counted.get(quota, 0) + resources.count(cfn_type)
    return counted


def check_quotas(
    template: Mapping[str, Any],
    *,
    ec2: EC2Client,
    quotas: QuotaSource,
    prices: PriceTable,
    learners: int = 1,
    clients: Callable[[str], Any] | None = None,
) -> list[QuotaCheck]:
    """One check per quota the lab touches: current usage + what `learners` labs need, against the limit."""
    needs = lab_needs(template, prices)
    return checks_for_needs(needs, ec2=ec2, quotas=quotas, learners=learners, clients=clients)


def checks_for_needs(
    needs: Mapping[str, Need],
    *,
    ec2: EC2Client,
    quotas: QuotaSource,
    learners: int,
    clients: Callable[[str], Any] | None = None,
) -> list[QuotaCheck]:
    """One check per quota in `needs`: the account's use plus `learners` times the need, against the limit.
    `clients(service)` reads the quotas of services other than EC2 (a session's `client`)."""

    def reader(quota: Quota) -> Any:
        if quota.reads == "ec2":
            return ec2
        if clients is None:
            raise ValueError(f"quota {quota.name} is read with an {quota.reads} client: pass clients=")
        return clients(quota.reads)

    return [
        QuotaCheck(
            quota=quota,
            used=quota.in_use(reader(quota)),
            need=needs[quota.name].times(learners),
            limit=quotas.limit(quota),
            learners=learners,
        )
        for quota in QUOTAS
        if quota.name in needs
    ]


def fargate_max_vcpus(resources: TemplateResources) -> int:
    """The vCPUs the template's Fargate compute environments may take at once (their MaxvCpus)."""
    environments = resources.of_type(COMPUTE_ENVIRONMENT.cfn_type).values()
    return sum(
        int(props.get("ComputeResources", {}).get("MaxvCpus", 0))
        for props in environments
        if str(props.get("ComputeResources", {}).get("Type", "")).startswith("FARGATE")
    )


def _same(count: int) -> Need:
    return Need(at_deploy=count, at_most=count)
