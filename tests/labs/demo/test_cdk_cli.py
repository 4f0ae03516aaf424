"""The pinned CDK CLI runs from the project, and a failure quotes what the CLI said."""

from __future__ import annotations

import os
import re

import pytest

from labs.demo.cdk_cli import CdkCliError, run_cdk

# runs the toolchain (the CDK app, the pinned CLI or the set-up's tools): not a unit test
pytestmark = pytest.mark.synth

PINNED = "2.1148.1"


def test_the_kit_runs_its_pinned_cli_whatever_the_path_holds() -> None:
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    result = run_cdk(["--version"], env=env)
    assert result.stdout.startswith(PINNED)


def test_a_failing_command_raises_with_the_command_and_the_cli_s_last_lines() -> None:
    with pytest.raises(CdkCliError) as failure:
        run_cdk(["deploy", "NoSuchLab", "--app", "/nonexistent/cdk.out"], env=dict(os.environ))
    message = str(failure.value)
    assert message.startswith("`cdk deploy NoSuchLab --app /nonexistent/cdk.out` failed (exit 1):")
    assert re.search(r"nonexistent", message.split("\n", 1)[1])


def test_a_command_over_its_time_limit_is_stopped() -> None:
    with pytest.raises(CdkCliError, match=r"did not finish in 0 s"):
        run_cdk(["--version"], env=dict(os.environ), timeout_s=0.01)
