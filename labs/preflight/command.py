"""`labkit preflight LAB --learners N`: before a deploy (or a class of N), will it work in this account?

One table, a line per thing a landing zone decides: the region, the bootstrap (qualifier, version,
execution role), the permissions boundary and what it would deny, the instance type in the lab's zones and
the zones Fn::GetAZs picks, the Powertools layer's region, Auto Scaling's service-linked role and default EBS
key, and each quota for N learners (Lambda concurrency included). Each line passes, fails or cannot tell,
with its fix; a failed line is a blocker (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from rich.console import Console
from rich.table import Table

from labs.cost.prices import load_prices
from labs.cost.resources import TemplateResources
from labs.cost.synth_options import add_assembly_argument
from labs.deployed.bootstrap import Bootstrap, cdk_context, context_options, required_version
from labs.deployed.session import session_from_environment
from labs.outcomes import ExitStatus
from labs.preflight.account import (
    bootstrap_line,
    boundary_arn,
    boundary_line,
    execution_role_line,
    region_line,
)
from labs.preflight.boundary import boundary_simulation_line
from labs.preflight.lab_lines import lab_lines
from labs.preflight.log_policies import log_policy_line
from labs.preflight.quotas import QUOTA_READS, ServiceQuotasSource, check_quotas
from labs.preflight.results import CANNOT_TELL, FAIL, OK, Line, exit_code, unreadable
from labs.preflight.zones import ZONE_CONTEXT, instance_type_line
from labs.registry import lab_ids
from labs.settings import parse_permissions_boundary

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_sts import STSClient

HELP = (
    "check before a deploy (or a class of --learners N) that the landing zone lets the lab through: region, "
    "bootstrap, what the permissions boundary denies, zones, instance type, Auto Scaling's role and EBS key, "
    "quotas (Lambda concurrency too)"
)
# what a failed AWS call means for this command (labs/cli.py prints it with the error)
AWS_FAILURE = "the preflight could not read the account"
STYLES = {OK: "green", FAIL: "bold red", CANNOT_TELL: "yellow"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `labkit preflight`."""
    parser.add_argument(
        "lab", metavar="LAB", choices=lab_ids(), help=f"the lab to deploy: {', '.join(lab_ids())}"
    )
    parser.add_argument("--region", help="the region to check (default: the AWS CLI's region)")
    parser.add_argument(
        "--learners", type=_positive, default=1, help="how many learners deploy the lab at once (default 1)"
    )
    add_landing_zone_arguments(parser)
    add_assembly_argument(parser)


def add_landing_zone_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that say how the landing zone is set up (`labkit class preflight` takes them too)."""
    parser.add_argument(
        "--zone",
        help=f"the zone of the lab's instance, for a lab that follows {ZONE_CONTEXT} "
        f"(default: cdk.json's {ZONE_CONTEXT}, else the first)",
    )
    parser.add_argument(
        "--toolkit-stack-name", help="the CDK bootstrap stack's name (default: cdk.json's, else CDKToolkit)"
    )
    parser.add_argument(
        "-c",
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="context, as `cdk deploy -c`: permissionsBoundary, @aws-cdk/core:bootstrapQualifier, ...",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of learners (1 or more)")
    return value


def run(args: argparse.Namespace) -> int:
    """Check the account can deploy the lab for the learners, and print what stands in the way."""
    session = session_from_environment(args.region)
    region = session.region_name
    if not region:
        print("labkit preflight: no region: pass --region or set AWS_REGION", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    bootstrap, boundary, zone = landing_zone_settings(args)
    try:
        template = lab_template(args.lab, assembly=args.app)
    except ValueError as error:  # an assembly without the lab
        print(f"labkit preflight: {error}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    lines = preflight_lines(
        session,
        lab_id=args.lab,
        template=template,
        region=region,
        learners=args.learners,
        bootstrap=bootstrap,
        boundary=boundary,
        zone=zone,
    )
    print_lines(Console(soft_wrap=True), args.lab, region, args.learners, lines)
    return exit_code(lines)


def landing_zone_settings(args: argparse.Namespace) -> tuple[Bootstrap, str | None, str | None]:
    """The bootstrap, the permissions boundary and the instance lab's zone, from the options and cdk.json."""
    overrides = context_options(args.context)
    context = cdk_context(overrides)
    bootstrap = Bootstrap.configured(overrides, toolkit_stack_name=args.toolkit_stack_name)
    boundary = parse_permissions_boundary(context.get("permissionsBoundary"))
    zone = args.zone or str(context.get(ZONE_CONTEXT) or "") or None
    return bootstrap, boundary, zone


def preflight_lines(
    session: boto3.Session,
    *,
    lab_id: str,
    template: dict[str, Any],
    region: str,
    learners: int,
    bootstrap: Bootstrap,
    boundary: str | None,
    zone: str | None,
) -> list[Line]:
    """Every line, in the order a deploy meets them; after a denied region, nothing else can be read."""
    lines = landing_zone_lines(
        session,
        lab_id=lab_id,
        template=template,
        region=region,
        bootstrap=bootstrap,
        boundary=boundary,
        zone=zone,
    )
    if lines[0].blocks:
        return lines
    policies = log_policy_line(session.client("logs"), labs=[lab_id], templates=[template], learners=learners)
    return lines + quota_lines(session, template, learners) + ([policies] if policies else [])


def landing_zone_lines(
    session: boto3.Session,
    *,
    lab_id: str,
    template: dict[str, Any],
    region: str,
    bootstrap: Bootstrap,
    boundary: str | None,
    zone: str | None,
) -> list[Line]:
    """Every line but the quotas: the region first (alone when it is denied), bootstrap, boundary, zones."""
    ec2 = session.client("ec2")
    region_check = region_line(ec2, region)
    if region_check.blocks:
        return [region_check]
    lines = [region_check]
    account = _account(session.client("sts"))
    if account is None:
        lines.append(Line(check="account", status=CANNOT_TELL, detail="sts:GetCallerIdentity was refused"))
    else:
        iam = session.client("iam")
        lines.append(
            bootstrap_line(
                session.client("ssm"),
                session.client("cloudformation"),
                bootstrap,
                required=required_version(template),
                account=account,
                region=region,
                boundary=boundary,
            )
        )
        lines.append(execution_role_line(iam, bootstrap, account=account, region=region, boundary=boundary))
        if boundary:
            lines += boundary_lines(iam, boundary, lab_id=lab_id, template=template, account=account)
    instance_types = sorted({m.instance_type for m in TemplateResources(template).machines()})
    instances = instance_type_line(ec2, lab_id=lab_id, instance_types=instance_types, chosen_zone=zone)
    if instances is not None:
        lines.append(instances)
    return lines + lab_lines(
        session, lab_id=lab_id, template=template, region=region, account=account, zone=zone
    )


def boundary_lines(
    iam: Any, boundary: str, *, lab_id: str, template: dict[str, Any], account: str
) -> list[Line]:
    """The boundary exists; if it does, what it would deny of the lab's needs."""
    exists = boundary_line(iam, boundary, account=account)
    if exists.status != OK:
        return [exists]
    arn = boundary_arn(boundary, account=account)
    return [exists, boundary_simulation_line(iam, lab_id=lab_id, template=template, arn=arn)]


def quota_lines(session: boto3.Session, template: dict[str, Any], learners: int) -> list[Line]:
    """One line per quota the lab's deploys would use."""
    try:
        checks = check_quotas(
            template,
            ec2=session.client("ec2"),
            quotas=ServiceQuotasSource(session.client("service-quotas")),
            prices=load_prices(),
            learners=learners,
            clients=session.client,  # type: ignore[arg-type] # boto3's overloads for each service
        )
    except ClientError as error:
        return [unreadable("quotas", error, fix=QUOTA_READS)]
    return [check.line() for check in checks]


def _account(sts: STSClient) -> str | None:
    try:
        return str(sts.get_caller_identity()["Account"])
    except ClientError:
        return None


def lab_template(lab_id: str, *, assembly: Path | None = None) -> dict[str, Any]:
    """The lab's template: synthesized, or read from a cloud assembly (`--app cdk.out`)."""
    # the CDK import and synth take seconds: only the preflight itself pays for them
    from labs.cost.synth import synthesize_labs

    return synthesize_labs(with_cdk_defaults=False, only=(lab_id,), assembly=assembly).kit[lab_id]


def print_lines(console: Console, lab_id: str, region: str, learners: int, lines: Sequence[Line]) -> None:
    """Print the preflight's lines as a table."""
    who = f"{learners} learners" if learners > 1 else "one learner"
    table = Table(title=f"Preflight of {lab_id} for {who} in {region}", show_lines=True)
    for column in ("check", "result", "what preflight saw", "fix"):
        table.add_column(column, overflow="fold")
    for line in lines:
        style = STYLES.get(line.status, "")
        table.add_row(line.check, f"[{style}]{line.label}[/]", line.detail, line.fix)
    console.print(table)
    console.print(summary(lab_id, lines), highlight=False)


def summary(lab_id: str, lines: Sequence[Line]) -> str:
    """The preflight's verdict in one line."""
    blockers = [line for line in lines if line.blocks]
    unknown = [line for line in lines if line.status is CANNOT_TELL]
    if blockers:
        named = "; ".join(dict.fromkeys(line.check for line in blockers))
        return (
            f"{lab_id}: {len(blockers)} blocker(s): {named}: fix them before `cdk deploy` "
            "(each line's fix says how)."
        )
    if unknown:
        return f"{lab_id}: no blocker found, but {len(unknown)} line(s) cannot tell: see their fixes."
    return f"{lab_id}: ready to deploy, every line passes."
