"""Synth of all four labs against an empty app's synth, both in fresh processes of the same run."""

from __future__ import annotations

import json
import os
import tempfile

from bench.common import ROOT, Row, median_seconds, run_python

EMPTY_APP = "import aws_cdk as cdk; cdk.App().synth()"
SYNTH_GOAL_RATIO = 2.0


def _cdk_env(outdir: str) -> dict[str, str]:
    """What the CDK CLI hands the app: cdk.json's context (feature flags included) and an outdir."""
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    return {**os.environ, "CDK_OUTDIR": outdir, "CDK_CONTEXT_JSON": json.dumps(context)}


def measure(*, repeat: int = 3) -> list[Row]:
    with tempfile.TemporaryDirectory() as empty_out, tempfile.TemporaryDirectory() as labs_out:
        empty = median_seconds(lambda: run_python(["-c", EMPTY_APP], env=_cdk_env(empty_out)), repeat=repeat)
        labs = median_seconds(lambda: run_python(["app.py"], env=_cdk_env(labs_out)), repeat=repeat)
    ratio = labs / empty
    return [
        Row("synth: empty app (jsii floor)", empty, "s"),
        Row("synth: all four labs (python app.py)", labs, "s"),
        Row("synth: labs / empty app", ratio, "x", f"<= {SYNTH_GOAL_RATIO:g}x", ratio <= SYNTH_GOAL_RATIO),
    ]
