"""`labkit preflight LAB`: before a deploy, check what the lab needs against the region's quotas and usage.

The quotas and what a lab needs of them are in `quotas`, the account's current use in `usage`; this module
reads the command line, synthesizes the lab and prints the verdict.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import boto3
from rich.console import Console
from rich.markup import escape

from labs.contract import LAB_IDS
from labs.cost.prices import load_prices
from labs.preflight.quotas import QuotaCheck, ServiceQuotasSource, check_quotas, exit_code, lab_needs

HELP = (
    "check before a deploy that a lab fits the region's quotas (Elastic IPs, vCPUs, VPCs, internet gateways)"
)
# what a failed AWS call means for this command (labs/cli.py prints it with the error)
AWS_FAILURE = "cannot read the account's usage"


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
    checks = check_quotas(
        template,
        ec2=session.client("ec2"),
        quotas=ServiceQuotasSource(session.client("service-quotas")),
        prices=prices,
    )
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
