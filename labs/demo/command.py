"""`labkit demo`: rehearse the life of every lab, offline on the emulator, or with `--aws` in a sandbox.

Each lab is deployed, checked, redeployed after AWS published a new image and with a new time-to-live,
checked again, deleted by its own expiry, and scanned for leftovers, with the real, pinned CDK CLI. The exit
code is 0 only if every step of every lab succeeded; the summary table is the last thing printed.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from labs.cdk_json import cdk_json_context
from labs.demo.emulator_or_account import EXPIRY_LEAD_S, AwsTarget
from labs.demo.landing_zone import LandingZone
from labs.demo.rehearsal import Demo
from labs.demo.runs import STEPS
from labs.outcomes import ExitStatus
from labs.registry import lab, lab_ids
from labs.settings import AccountNotAllowedError, SettingsError, parse_accounts
from labs.terminal import make_console

if TYPE_CHECKING:
    from rich.console import Console

HELP = "rehearse each lab's life: deploy, check, redeploy, check, expire, scan (offline, or --aws)"
# what one lab's rehearsal takes on AWS (launches, a self-heal, a stack deletion), for the cost estimate
AWS_MINUTES_PER_LAB = 15
AWS_STEP_TIMEOUT_S = 900.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `labkit demo`."""
    parser.add_argument(
        "labs", nargs="*", metavar="LAB", help=f"labs to rehearse (default: all of {', '.join(lab_ids())})"
    )
    parser.add_argument("--fail-fast", action="store_true", help="stop after the first lab that fails")
    parser.add_argument(
        "--plan", action="store_true", help="print what the rehearsal would do, lab by lab, and run nothing"
    )
    parser.add_argument(
        "-c",
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="context for the synth, as `cdk synth -c` (permissionsBoundary, classTags, "
        "@aws-cdk/core:bootstrapQualifier): rehearse a landing zone",
    )
    parser.add_argument(
        "--toolkit-stack-name", help="the CDK bootstrap stack's name (default: cdk.json's, else CDKToolkit)"
    )
    parser.add_argument(
        "--aws",
        action="store_true",
        help="rehearse on the AWS account of the current credentials (a sandbox account only): real waits, "
        "the real ping, a time limit per step; costs cents",
    )
    parser.add_argument(
        "--step-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"time limit of each step (default: {AWS_STEP_TIMEOUT_S:.0f} with --aws)",
    )
    parser.add_argument(
        "--expiry-lead",
        type=float,
        default=EXPIRY_LEAD_S,
        metavar="SECONDS",
        help=f"with --aws: how far ahead each lab's expiry is moved, then awaited (default {EXPIRY_LEAD_S})",
    )
    parser.add_argument("--verbose", action="store_true", help="also list the emulator's AWS parity fixes")


def run(args: argparse.Namespace) -> int:
    """Rehearse each chosen lab's life, on the emulator or an account; the exit status."""
    console = make_console()
    unknown = [lab for lab in args.labs if lab not in lab_ids()]
    if unknown:
        console.print(f"labkit: unknown lab {', '.join(unknown)}: choose from {', '.join(lab_ids())}")
        return ExitStatus.CANNOT_RUN
    labs = tuple(args.labs) or lab_ids()
    if args.plan:
        print_plan(console, labs, aws=args.aws)
        return ExitStatus.PASSED
    landing_zone = LandingZone.from_options(args.context, toolkit_stack_name=args.toolkit_stack_name)
    step_timeout = args.step_timeout or (AWS_STEP_TIMEOUT_S if args.aws else None)
    demo = Demo(
        console,
        labs,
        fail_fast=args.fail_fast,
        landing_zone=landing_zone,
        open_target=aws_account(landing_zone, labs, expiry_lead_s=args.expiry_lead) if args.aws else None,
        step_timeout_s=step_timeout,
        verbose=args.verbose,
    )
    return demo.run()


def print_plan(console: Console, labs: tuple[str, ...], *, aws: bool) -> None:
    """The rehearsal's plan: each lab in the order it runs, what it builds, and the steps of its life."""
    table = Table(title=f"labkit demo would rehearse {len(labs)} lab(s) " + ("on AWS" if aws else "offline"))
    for column in ("Lab", "What it builds", "Steps"):
        table.add_column(column)
    for lab_id in labs:
        table.add_row(lab_id, lab(lab_id).title, " → ".join(STEPS))
    console.print(table)


def sandbox_accounts(landing_zone: LandingZone) -> tuple[str, ...]:
    """The accounts the kit may deploy into: `-c sandboxAccounts=` given to the demo, else cdk.json's."""
    given = landing_zone.context.get("sandboxAccounts")
    return parse_accounts(
        given if given is not None else cdk_json_context(Path.cwd() / "cdk.json").get("sandboxAccounts")
    )


def aws_account(
    landing_zone: LandingZone, labs: tuple[str, ...], *, expiry_lead_s: float = EXPIRY_LEAD_S
) -> Callable[[ExitStack], AwsTarget]:
    """Opens the account of the current credentials, refusing any that is not a listed sandbox account."""

    def open_account(_resources: ExitStack) -> AwsTarget:
        from labs.deployed.session import session_from_environment

        session = session_from_environment()
        account = str(session.client("sts").get_caller_identity()["Account"])
        allowed = sandbox_accounts(landing_zone)
        if not allowed:
            raise SettingsError(
                f"labkit demo --aws would deploy into account {account}: list your sandbox accounts first "
                "(-c sandboxAccounts=111111111111, or sandboxAccounts in cdk.json)"
            )
        if account not in allowed:
            raise AccountNotAllowedError(
                f"refusing to rehearse in account {account}: it is not a sandbox account "
                f"(sandboxAccounts: {', '.join(allowed)})"
            )
        region = session.region_name or "us-east-1"
        print(estimate(labs, account, region), flush=True)
        environment = {**os.environ, "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
        return AwsTarget(environment, account, region, expiry_lead_s=expiry_lead_s)

    return open_account


def estimate(labs: tuple[str, ...], account: str, region: str) -> str:
    """What the rehearsal costs, priced with the kit's own price table (labs/cost)."""
    from labs.cost.prices import load_prices
    from labs.cost.synth import synthesize_labs

    prices = load_prices()
    templates = synthesize_labs(with_cdk_defaults=False).kit
    from labs.cost.calculator import price_template

    hourly = sum(price_template(templates[lab], prices).usd_per_hour for lab in labs)
    hours = len(labs) * AWS_MINUTES_PER_LAB / 60
    return (
        f"Rehearsing {len(labs)} lab(s) in account {account} ({region}): about {hours * 60:.0f} minutes, "
        f"about ${hourly * AWS_MINUTES_PER_LAB / 60:.3f} at the kit's list prices (one lab at a time), plus "
        "requests. Everything the demo deploys is destroyed at the end, also on a failure or Ctrl-C."
    )
