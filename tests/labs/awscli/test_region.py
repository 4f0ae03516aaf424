"""The kit's `aws` (CLI v1) asks the region `cdk deploy` used, which AWS_REGION alone may name."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from labs.awscli.__main__ import with_cdk_region

# runs the kit's tools in processes of their own: not a unit test
pytestmark = pytest.mark.synth

AWS = Path(__file__).resolve().parents[3] / ".venv" / "bin" / "aws"


def test_aws_region_alone_is_the_region_the_v1_cli_reads() -> None:
    only = with_cdk_region({"AWS_REGION": "eu-central-1"})
    both = with_cdk_region({"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "us-east-1"})
    neither = with_cdk_region({"AWS_DEFAULT_REGION": "us-west-2"})

    assert only["AWS_DEFAULT_REGION"] == "eu-central-1"
    assert both["AWS_DEFAULT_REGION"] == "eu-central-1"  # as the CDK CLI chooses
    assert neither["AWS_DEFAULT_REGION"] == "us-west-2"


@pytest.mark.e2e
def test_a_pasted_command_asks_the_region_in_aws_region(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_REGION": "eu-central-1", "LABKIT_EMULATOR": "1", "HOME": str(tmp_path)}

    listed = subprocess.run(
        [str(AWS), "configure", "list"], env=env, capture_output=True, text=True, check=False
    )

    region_line = next(line for line in listed.stdout.splitlines() if line.split()[:1] == ["region"])
    assert "eu-central-1" in region_line, listed.stdout
