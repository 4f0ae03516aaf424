"""The real pinned CDK CLI runs app.py: the guard stops a wrong account, owners select stacks by lab id."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from labs.registry import lab_ids
from labs.synthesis import Synthesized

ROOT = Path(__file__).resolve().parents[1]
CDK = ROOT / ".venv" / "bin" / "cdk"
# runs the toolchain (the CDK app and the pinned CLI): not a unit test
pytestmark = pytest.mark.synth


def run_cdk(*args: str, account: str | None = None, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    env |= {
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_CLI_TELEMETRY_DISABLED": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if account:
        env["CDK_DEFAULT_ACCOUNT"] = account
    return subprocess.run(
        [str(CDK), *args, "--output", str(tmp_path / "cdk.out"), "--no-notices"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_synth_refuses_an_account_outside_the_sandbox_list(tmp_path: Path) -> None:
    result = run_cdk(
        "synth",
        "LabEc2",
        "--quiet",
        "-c",
        "sandboxAccounts=111111111111",
        account="999999999999",
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "refusing to synthesize for account 999999999999" in result.stderr
    assert "sandboxAccounts: 111111111111" in result.stderr
    assert not (tmp_path / "cdk.out" / "LabEc2.template.json").exists()


def test_owner_prefixes_stack_names_and_lab_ids_still_select(
    alice_synth: Synthesized, tmp_path: Path
) -> None:
    # the CLI reads the assembly the kit builds for owner alice (app.py's own run is the synth test above
    # and `make e2e`): its synth would cost this suite 10 s of a second jsii kernel
    result = run_cdk("ls", "--app", alice_synth.assembly.directory, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:4] == [
        "LabEc2 (alice-LabEc2)",
        "LabAsg (alice-LabAsg)",
        "LabDdbStream (alice-LabDdbStream)",
        "LabStepFunction (alice-LabStepFunction)",
    ]
    selected = run_cdk("ls", "LabDdbStream", "--app", alice_synth.assembly.directory, tmp_path=tmp_path)
    assert selected.stdout.split() == ["LabDdbStream", "(alice-LabDdbStream)"]


INVALID_LEARNER_STACK = """from aws_cdk import CfnResource

from labs.exercises.learner_stack import LearnerLabStack


class MyLabEc2(LearnerLabStack):
    def __init__(self, scope, *, settings):
        super().__init__(scope, "LabEc2", settings=settings)
        CfnResource(self, "Volume", type="AWS::EC2::Volume", properties={"Size": 1, "NoSuchProperty": 1})
"""


def synth_beside_a_learners_stack(source: str, tmp_path: Path) -> tuple[str, str]:
    """`cdk synth LabEc2` and `cdk synth MyLabEc2` with that learner's stack module: LabEc2 must pass
    (asserted here), MyLabEc2 must fail; its output is returned."""
    (tmp_path / "my-labs" / "LabEc2").mkdir(parents=True)
    (tmp_path / "my-labs" / "LabEc2" / "stack.py").write_text(source, encoding="utf-8")
    my_labs = f"myLabs={tmp_path / 'my-labs'}"

    kit_lab = run_cdk("synth", "LabEc2", "--quiet", "-c", my_labs, tmp_path=tmp_path)
    own = run_cdk("synth", "MyLabEc2", "--quiet", "-c", my_labs, tmp_path=tmp_path)

    assert kit_lab.returncode == 0, kit_lab.stderr
    assert own.returncode != 0
    return own.stdout + own.stderr


@pytest.mark.e2e
def test_a_learners_invalid_template_fails_its_own_synth_with_cloudformations_words(tmp_path: Path) -> None:
    # CDK's built-in validation (validateAgainstDefaultRules) catches it at synth, for that stack only
    assert "NoSuchProperty" in synth_beside_a_learners_stack(INVALID_LEARNER_STACK, tmp_path)


ACTIONLESS_LEARNER_STACK = """from aws_cdk import aws_iam as iam

from labs.exercises.learner_stack import LearnerLabStack


class MyLabEc2(LearnerLabStack):
    def __init__(self, scope, *, settings):
        super().__init__(scope, "LabEc2", settings=settings)
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
        role.add_to_policy(iam.PolicyStatement(resources=["*"]))
"""


@pytest.mark.e2e
def test_a_learners_stack_that_cdk_refuses_at_synth_fails_alone_in_one_line(tmp_path: Path) -> None:
    # CDK validates every stack of the app in one pass at synth: unchecked, this stopped `cdk deploy LabEc2`
    output = synth_beside_a_learners_stack(ACTIONLESS_LEARNER_STACK, tmp_path)

    assert "Traceback" not in output
    assert (
        "CDK refuses it: [MyLabEc2/Role/DefaultPolicy] A PolicyStatement must specify at least one 'action'"
        in output
    )


def test_one_lab_s_synth_builds_that_lab_alone(tmp_path: Path) -> None:
    result = run_cdk("synth", "LabDdbStream", "--quiet", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    written = sorted(path.name for path in (tmp_path / "cdk.out").glob("*.template.json"))
    assert written == ["LabDdbStream.template.json"]


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["NoSuchStack", "MyLabEc2"])
def test_a_selection_the_app_does_not_build_builds_every_lab(name: str, tmp_path: Path) -> None:
    # MyLabEc2 is a name the app knows, but with no my-labs/LabEc2/stack.py it builds no such stack
    (tmp_path / "my-labs").mkdir()
    result = run_cdk("synth", name, "--quiet", "-c", f"myLabs={tmp_path / 'my-labs'}", tmp_path=tmp_path)

    assert f"No stacks match the name(s) {name}" in result.stderr
    templates = (tmp_path / "cdk.out").glob("*.template.json")
    written = {path.name.removesuffix(".template.json") for path in templates}
    assert written == set(lab_ids())
