"""Synth of all the labs against an empty app's synth, in fresh processes taken in turns in one run.

Where the labs' extra time goes (measured on the 2-core kit machine, aws-cdk-lib 2.275): Python loading the
twelve service modules the labs use (aws_ec2's bytecode alone is 8 MB), about 0.55 s; building the stacks,
about 430 jsii calls, 0.7 s, much of it Node loading those modules' JavaScript; CloudFormation validation of
the four templates, 0.36 s; the rest of synth. Both sides pay the validation engine's start (0.9 s). Skipping
jsii's runtime type checks (`python -O`) saves 0.2 s, Node's compile cache nothing: the goal of 1.5x is out
of reach without dropping services from the labs or aws-cdk-lib's validation (on by default in every synth;
cdk.json's validateAgainstDefaultRules makes its findings errors).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile

from bench.common import Row, median_seconds, run_python
from labs.cdk_json import cdk_json_context

EMPTY_APP = "import aws_cdk as cdk; cdk.App().synth()"
SYNTH_GOAL_RATIO = 1.5


def _cdk_env(outdir: str) -> dict[str, str]:
    """What the CDK CLI hands the app: cdk.json's context (feature flags included) and an outdir."""
    context = cdk_json_context()
    return {**os.environ, "CDK_OUTDIR": outdir, "CDK_CONTEXT_JSON": json.dumps(context)}


def measure(*, rounds: int = 5) -> list[Row]:
    empty_times, labs_times = [], []
    with tempfile.TemporaryDirectory() as empty_out, tempfile.TemporaryDirectory() as labs_out:
        for _ in range(rounds):  # in turns: a busy moment of a shared machine hits both sides of a round
            empty_times.append(
                median_seconds(lambda: run_python(["-c", EMPTY_APP], env=_cdk_env(empty_out)), repeat=1)
            )
            labs_times.append(
                median_seconds(lambda: run_python(["app.py"], env=_cdk_env(labs_out)), repeat=1)
            )
    ratio = statistics.median(labs / empty for empty, labs in zip(empty_times, labs_times, strict=True))
    return [
        Row("synth: empty app (jsii floor, median)", statistics.median(empty_times), "s"),
        Row("synth: all the labs (python app.py, median)", statistics.median(labs_times), "s"),
        Row(
            "synth: labs / empty app (median of rounds)",
            ratio,
            "x",
            f"<= {SYNTH_GOAL_RATIO:g}x",
            ratio <= SYNTH_GOAL_RATIO,
        ),
    ]
