"""A learner's edit-redeploy loop on the emulator, through the real CDK CLI: no step hangs.

Each CLI runs in a process group of its own with a time limit; a CLI still running at its limit has hung,
and the whole group (the `cdk` launcher and its Node child) is killed before the test fails, so a hang
never leaves a process behind to lock cdk.out for the next command.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from local_aws.client import LocalAws

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[4]
BIN = ROOT / ".venv" / "bin"
CONTEXT = "-c sandboxAccounts=123456789012 --require-approval never"
STEP_LIMIT_S = 180  # a deploy here takes 5-25 s; the hang this guards against never ended


@dataclass
class Learner:
    """A shell pointed at the emulator, running one CLI at a time, each under a time limit."""

    environment: dict[str, str]

    def run(self, command: str, *, limit_s: float = STEP_LIMIT_S) -> str:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            printed, _ = process.communicate(timeout=limit_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            printed, _ = process.communicate()
            pytest.fail(f"`{command}` hung for {limit_s:.0f} s; it printed last:\n{printed[-2000:]}")
        assert process.returncode == 0, f"`{command}` failed ({process.returncode}):\n{printed[-4000:]}"
        assert not group_alive(process.pid), f"`{command}` left processes behind"
        return printed

    def stack_status(self, stack: str) -> str:
        query = "--query 'Stacks[0].StackStatus' --output text"
        return self.run(f"aws cloudformation describe-stacks --stack-name {stack} {query}").strip()


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def learner(tmp_path: Path) -> Iterator[Learner]:
    with LocalAws() as aws:
        environment = {**aws.env, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        # the CLI's output folder of its own, as tests run side by side in one checkout
        home = tmp_path / "home"
        home.mkdir()
        (home / ".cdk.json").write_text(json.dumps({"output": str(tmp_path / "cdk.out")}))
        environment["HOME"] = str(home)
        shell = Learner(environment)
        shell.run("cdk bootstrap aws://123456789012/us-east-1")
        yield shell


def test_a_redeploy_after_destroy_and_deploy_does_not_hang(learner: Learner) -> None:
    # the loop: a stack name deployed and destroyed before, deployed again, changed at once
    learner.run(f"cdk deploy LabStepFunction {CONTEXT}")
    learner.run(f"cdk destroy --force LabStepFunction {CONTEXT}")
    learner.run(f"cdk deploy LabStepFunction {CONTEXT}")

    printed = learner.run(f"cdk deploy LabStepFunction {CONTEXT} -c ttlHours=3")

    assert "LabStepFunction.ExpiresAt" in printed
    assert learner.stack_status("LabStepFunction") == "UPDATE_COMPLETE"
    listed = learner.run("aws cloudformation list-change-sets --stack-name LabStepFunction --output json")
    assert len(json.loads(listed)["Summaries"]) == 1  # the executed one; the destroyed stack's are gone


# each redeploy changes what a learner changes: the expiry, who may ping, then no expiry at all (which
# removes the expiry's schedule, role and queue from the stack)
REDEPLOYS = (
    "-c ttlHours=3",
    "-c ttlHours=3 -c pingCidr=203.0.113.7/32",
    "-c ttlHours=0 -c pingCidr=203.0.113.7/32",
)


@pytest.mark.parametrize("lab", ["LabEc2", "LabAsg", "LabDdbStream", "LabStepFunction"])
def test_three_immediate_redeploys_with_changed_context_each_update_the_stack(
    learner: Learner, lab: str
) -> None:
    learner.run(f"cdk deploy {lab} {CONTEXT}")

    for change in REDEPLOYS:
        learner.run(f"cdk deploy {lab} {CONTEXT} {change}")
        assert learner.stack_status(lab) == "UPDATE_COMPLETE", change
        assert listed_resources(learner, lab) == template_resources(learner, lab), change
    printed = learner.run(f"cdk destroy --force {lab} {CONTEXT}")

    assert "Error occurred while monitoring stack" not in printed
    assert f"{lab}: destroyed" in printed


def listed_resources(learner: Learner, stack: str) -> set[str]:
    listed = learner.run(f"aws cloudformation list-stack-resources --stack-name {stack} --output json")
    return {summary["LogicalResourceId"] for summary in json.loads(listed)["StackResourceSummaries"]}


def template_resources(learner: Learner, stack: str) -> set[str]:
    output = json.loads((Path(learner.environment["HOME"]) / ".cdk.json").read_text())["output"]
    template = json.loads((Path(output) / f"{stack}.template.json").read_text())
    return set(template["Resources"])
