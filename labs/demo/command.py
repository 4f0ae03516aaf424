"""`labkit demo`: rehearse every lab offline. Deploy, check, destroy and scan each on the local emulator.

One emulator, one synth and one bootstrap serve every lab; each lab then runs its own four steps with the
real, pinned CDK CLI. The exit code is 0 only if every step of every lab succeeded.
"""

from __future__ import annotations

import argparse

from labs.contract import LAB_IDS
from labs.demo.landing_zone import LandingZone
from labs.demo.rehearsal import Demo
from labs.terminal import make_console

HELP = "rehearse the labs offline: deploy, check, destroy and scan each one on a local AWS emulator"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "labs", nargs="*", metavar="LAB", help=f"labs to rehearse (default: all of {', '.join(LAB_IDS)})"
    )
    parser.add_argument("--fail-fast", action="store_true", help="stop after the first lab that fails")
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


def run(args: argparse.Namespace) -> int:
    console = make_console()
    unknown = [lab for lab in args.labs if lab not in LAB_IDS]
    if unknown:
        console.print(f"labkit: unknown lab {', '.join(unknown)}: choose from {', '.join(LAB_IDS)}")
        return 2
    labs = tuple(args.labs) or LAB_IDS
    landing_zone = LandingZone.from_options(args.context, toolkit_stack_name=args.toolkit_stack_name)
    return Demo(console, labs, fail_fast=args.fail_fast, landing_zone=landing_zone).run()
