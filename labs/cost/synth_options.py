"""`--app DIR`, shared by `labkit cost` and `labkit preflight`: read a cloud assembly, do not synthesize."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_assembly_argument(parser: argparse.ArgumentParser) -> None:
    """`--app DIR`: read the labs' templates from a cloud assembly instead of synthesizing them."""
    parser.add_argument(
        "--app",
        type=Path,
        metavar="DIR",
        help="read the templates from this cloud assembly (the folder `cdk synth` writes, cdk.out) instead "
        "of synthesizing the labs",
    )
