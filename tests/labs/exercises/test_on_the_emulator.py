"""A learner's own stacks on the emulator, through the real CLI: the starter as written deploys and its check
names the missing steps; a completed one passes. (Their own handlers: test_exercises_run_code.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from labs.checks.report import Outcome
from labs.demo.cdk_cli import run_cdk
from labs.exercises.starters import starter
from labs.registry import run_check
from local_aws.client import LocalAws
from tests.check_helpers import item

# LabAsg completed the way the starter's TODOs suggest
COMPLETED_ASG = """
        template = ec2.LaunchTemplate(self, "LaunchTemplate", instance_type=ec2.InstanceType("t4g.nano"),
            machine_image=ec2.MachineImage.latest_amazon_linux2023(cpu_type=ec2.AmazonLinuxCpuType.ARM_64),
            require_imdsv2=True)
        vpc = ec2.Vpc(self, "Vpc", max_azs=2, nat_gateways=0, restrict_default_security_group=False,
            subnet_configuration=[
            ec2.SubnetConfiguration(name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)])
        autoscaling.AutoScalingGroup(self, "Group", vpc=vpc, launch_template=template,
            min_capacity=1, desired_capacity=2, max_capacity=4)
"""


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


@pytest.fixture(scope="module")
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()


def complete_asg(folder: Path) -> None:
    path = starter("LabAsg").write(folder)
    text = path.read_text(encoding="utf-8")
    head, _todos = text.split("        # TODO step 1:", 1)
    path.write_text(head + COMPLETED_ASG, encoding="utf-8")


@pytest.mark.e2e
def test_a_starter_deploys_as_written_and_fails_by_step_and_a_completed_one_passes(
    local_aws: LocalAws, session: boto3.Session, tmp_path: Path
) -> None:
    starter("LabEc2").write(tmp_path)
    complete_asg(tmp_path)
    assembly = str(tmp_path / "assembly")
    context = ["-c", f"myLabs={tmp_path}", "-c", f"sandboxAccounts={local_aws.account_id}"]
    run_cdk(["synth", "--quiet", "--output", assembly, *context], env=local_aws.env)
    run_cdk(
        ["bootstrap", f"aws://{local_aws.account_id}/{local_aws.region}", "--app", assembly],
        env=local_aws.env,
    )
    deploy = ["deploy", "MyLabEc2", "MyLabAsg", "--app", assembly, "--require-approval", "never"]
    run_cdk(deploy, env=local_aws.env)

    ec2 = run_check("LabEc2", session=session, stack_name="MyLabEc2", on_emulator=True, timeout_s=5)
    asg = run_check(
        "LabAsg",
        session=session,
        stack_name="MyLabAsg",
        on_emulator=True,
        timeout_s=30,
        options={"self_heal": True},
    )

    assert item(ec2, "Stack deployed").outcome is Outcome.PASS
    for name, number in [
        ("Instance running", 1),
        ("Data volume attached", 2),
        ("Elastic IP associated", 3),
        ("Security group allows ping", 4),
    ]:
        assert item(ec2, name).outcome is Outcome.FAIL
        assert item(ec2, name).hint.startswith(f"Step {number} of the hands-on ("), name
    assert "add an ec2.Instance (t4g.nano" in item(ec2, "Instance running").hint
    assert not ec2.passed
    failed = [i.name for i in asg.items if i.outcome is Outcome.FAIL]
    assert failed == []
    assert item(asg, "Launch template").detail.endswith("t4g.nano, IMDSv2 required")
    assert item(asg, "Self-heal").outcome is Outcome.PASS
    assert asg.passed
