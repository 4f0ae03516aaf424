"""`labkit demo --aws` against the emulator as if it were a real account: no time travel, real waits.

The account is the emulator's, but nothing tells the demo so (no LABKIT_EMULATOR): it bootstraps nothing,
moves the lab's own schedule a few seconds ahead and waits for Scheduler and CloudFormation to delete the
stack, as it would on AWS; whatever it deployed is gone at the end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from labs.demo.cdk_cli import run_cdk
from local_aws.client import LocalAws

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.e2e
def test_the_aws_rehearsal_lives_a_lab_through_and_leaves_the_account_clean(tmp_path: Path) -> None:
    with LocalAws() as aws:
        environment = {k: v for k, v in aws.env.items() if k != "LABKIT_EMULATOR"}
        run_cdk(
            ["bootstrap", f"aws://{aws.account_id}/{aws.region}", "--output", str(tmp_path / "boot.out")],
            env=aws.env,
        )

        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "labs.cli",
                "demo",
                "--aws",
                "LabDdbStream",
                "-c",
                f"sandboxAccounts={aws.account_id}",
                "--expiry-lead",
                "3",
                "--step-timeout",
                "120",
            ],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        stacks = aws.session().client("cloudformation").describe_stacks()["Stacks"]

    printed = done.stdout
    assert done.returncode == 0, printed + done.stderr
    assert "Rehearsing 1 lab(s) in account 123456789012" in printed  # the cost estimate comes first
    assert "Scheduler fired" in printed  # the real schedule, moved ahead, deleted the stack
    assert printed.strip().splitlines()[-1].strip().startswith("all labs passed")
    assert [s["StackName"] for s in stacks] == ["CDKToolkit"]  # nothing of the lab is left


@pytest.mark.emulator
def test_the_aws_rehearsal_refuses_an_account_outside_the_sandbox_list() -> None:
    with LocalAws() as aws:
        environment = {k: v for k, v in aws.env.items() if k != "LABKIT_EMULATOR"}
        done = subprocess.run(
            [sys.executable, "-m", "labs.cli", "demo", "--aws", "-c", "sandboxAccounts=111111111111"],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        stacks = aws.session().client("cloudformation").describe_stacks()["Stacks"]

    assert done.returncode == 2
    assert "refusing to rehearse in account 123456789012" in done.stderr
    assert stacks == []
