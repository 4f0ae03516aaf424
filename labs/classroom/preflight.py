"""Before the class: will the whole class fit? One learner's needs of the labs times the roster's size.

A thin layer over labs/preflight (quotas and usage) plus the region and the bootstrap; issue 11's
landing-zone preflight (`labkit preflight LAB --learners N`) is meant to replace it when it lands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.cost.prices import PriceTable
from labs.deployed.aws import error_code, error_text
from labs.preflight.quotas import QUOTAS, Need, QuotaCheck, QuotaSource, lab_needs

if TYPE_CHECKING:
    import boto3

BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"
# what CDK's CheckBootstrapVersion rule in every lab template refuses: versions 1 to 5
MIN_BOOTSTRAP_VERSION = 6
_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


@dataclass(frozen=True, kw_only=True)
class PreflightLine:
    name: str
    status: str  # "ok", "warn" or "fail"
    detail: str
    fix: str = ""


def class_needs(
    templates: Mapping[str, Mapping[str, Any]], labs: Sequence[str], learners: int, prices: PriceTable
) -> dict[str, Need]:
    """Quota name -> what `learners` learners need when each deploys every lab in `labs` at once."""
    needs: dict[str, Need] = {}
    for lab_id in labs:
        for name, need in lab_needs(templates[lab_id], prices).items():
            before = needs.get(name, Need(at_deploy=0, at_most=0))
            needs[name] = Need(
                at_deploy=before.at_deploy + need.at_deploy * learners,
                at_most=before.at_most + need.at_most * learners,
            )
    return needs


def check_class_quotas(needs: Mapping[str, Need], *, ec2: Any, quotas: QuotaSource) -> list[QuotaCheck]:
    return [
        QuotaCheck(quota=quota, used=quota.in_use(ec2), need=needs[quota.name], limit=quotas.limit(quota))
        for quota in QUOTAS
        if quota.name in needs
    ]


VERDICTS = {
    "over": ("fail", "over the limit: the deploys would fail"),
    "scaling": ("warn", "the deploys fit, the groups cannot all grow to their maximum"),
    "at-limit": ("warn", "at the limit: nothing more fits"),
    "near": ("warn", "near the limit"),
    "ok": ("ok", "fits"),
}


def quota_line(check: QuotaCheck, learners: int) -> PreflightLine:
    status, verdict = VERDICTS[check.status]
    wanted = check.used + check.need.at_most
    fix = ""
    if status != "ok":
        fix = (
            f"request {wanted} (aws service-quotas request-service-quota-increase --service-code "
            f"{check.quota.service_code} --quota-code {check.quota.quota_code} --desired-value {wanted}), "
            f"or: {check.quota.remedy}"
        )
    return PreflightLine(
        name=f"{check.quota.name} for {learners} learners",
        status=status,
        detail=f"{check.used} used + {check.need.at_deploy} needed = {check.after_deploy} of "
        f"{check.limit.value:g} ({check.limit.source}): {verdict}",
        fix=fix,
    )


def region_line(session: boto3.Session) -> PreflightLine:
    region = session.region_name or ""
    if not region:
        return PreflightLine(name="Region", status="fail", detail="no region set", fix="set AWS_REGION")
    try:
        zones = session.client("ec2").describe_availability_zones()["AvailabilityZones"]
    except ClientError as error:
        if error_code(error) in _DENIED:
            return PreflightLine(
                name="Region",
                status="fail",
                detail=f"{region} is denied: {error_text(error)}",
                fix="an organisation policy may deny this region: use one the platform team allows",
            )
        raise
    return PreflightLine(name="Region", status="ok", detail=f"{region} answers ({len(zones)} zones)")


def bootstrap_line(session: boto3.Session) -> PreflightLine:
    fix = f"cdk bootstrap aws://ACCOUNT/{session.region_name} (or ask the platform team)"
    try:
        value = session.client("ssm").get_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)["Parameter"]["Value"]
    except ClientError as error:
        return PreflightLine(
            name="CDK bootstrap", status="fail", detail=f"not found: {error_text(error)}", fix=fix
        )
    ok = value.isdigit() and int(value) >= MIN_BOOTSTRAP_VERSION
    return PreflightLine(
        name="CDK bootstrap",
        status="ok" if ok else "fail",
        detail=f"version {value}; the labs need {MIN_BOOTSTRAP_VERSION} or later",
        fix="" if ok else fix,
    )


def exit_code(lines: Sequence[PreflightLine]) -> int:
    return 1 if any(line.status == "fail" for line in lines) else 0
