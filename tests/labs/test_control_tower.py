"""Control Tower's proactive controls (AWS's cfn-guard rules): each lab trips only the controls listed
here, each explained in the README; a change that trips a new one fails this test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from labs.registry import lab_ids
from tests.control_tower import RULES, cfn_guard, controls_by_rule, tripped_controls
from tests.synth import Template

README = Path(__file__).resolve().parents[2] / "README.md"

# reviewed: each control a lab trips, and the README's reason (cost, or the lab's own goal)
TRIPPED = {
    "LabEc2": {"CT.EC2.PR.10", "CT.EC2.PR.13", "CT.EC2.PR.19"},
    "LabAsg": {"CT.EC2.PR.10", "CT.AUTOSCALING.PR.6"},
    # LAMBDA.PR.3: the event filter in the lab's isolated subnets could reach no AWS API without endpoints
    "LabSpot": {"CT.EC2.PR.10", "CT.AUTOSCALING.PR.11", "CT.CLOUDWATCH.PR.3", "CT.LAMBDA.PR.3"},
    "LabDdbStream": {
        "CT.CLOUDWATCH.PR.3",
        "CT.DYNAMODB.PR.1",
        "CT.LAMBDA.PR.3",
        "CT.S3.PR.2",
        "CT.S3.PR.9",
        "CT.S3.PR.10",
        "CT.S3.PR.11",
    },
    "LabStepFunction": {
        "CT.CLOUDWATCH.PR.3",
        "CT.LAMBDA.PR.3",
        "CT.S3.PR.2",
        "CT.S3.PR.9",
        "CT.S3.PR.10",
        "CT.S3.PR.11",
    },
    # CLOUDWATCH.PR.3: a KMS key per log group costs $1 a month and outlives the stack; LAMBDA.PR.3: a VPC per
    # lab strains the 5-VPC quota, and a VPC's network interfaces would add their own cold-start work
    "LabColdStart": {"CT.CLOUDWATCH.PR.3", "CT.LAMBDA.PR.3"},
    # ELASTICFILESYSYSTEM.PR.2 (sic, AWS's id): AWS Backup's recovery points would outlive the lab and bill
    "LabEfs": {"CT.CLOUDWATCH.PR.3", "CT.ELASTICFILESYSYSTEM.PR.2"},
}
# its bucket and the two functions that write and empty it trip what LabStepFunction's do
TRIPPED["LabBatch"] = TRIPPED["LabStepFunction"]
# complied with where it costs nothing: retention, S3 events, lifecycle, DLQ marked, tracing, the ASG's zones,
# the instance's network on its own interface without a public IP (the Elastic IP still attaches); the file
# system's encryption, the access point's root directory and POSIX user
COMPLIED = {
    "CT.ELASTICFILESYSYSTEM.PR.1",
    "CT.ELASTICFILESYSYSTEM.PR.3",
    "CT.ELASTICFILESYSYSTEM.PR.4",
    "CT.EC2.PR.8",
    "CT.CLOUDWATCH.PR.2",
    "CT.S3.PR.4",
    "CT.S3.PR.6",
    "CT.SQS.PR.1",
    "CT.STEPFUNCTIONS.PR.2",
    "CT.AUTOSCALING.PR.1",
}


@pytest.fixture(scope="module")
def tripped(templates: dict[str, Template]) -> dict[str, set[str]]:
    return tripped_controls(templates)


def test_the_pinned_package_ships_the_binary_and_every_control(tmp_path: Path) -> None:
    assert cfn_guard().is_file(), "run `make setup`: npm ci installs @cdklabs/cdk-validator-cfnguard"
    controls = set(controls_by_rule().values())
    assert len(controls) > 200
    assert COMPLIED | {control for lab in TRIPPED.values() for control in lab} <= controls
    assert (RULES / "s3" / "ct-s3-pr-10.guard").is_file()


def test_each_lab_trips_exactly_the_reviewed_controls(tripped: dict[str, set[str]]) -> None:
    new = {lab: sorted(tripped[lab] - TRIPPED[lab]) for lab in lab_ids() if tripped[lab] - TRIPPED[lab]}
    fixed = {lab: sorted(TRIPPED[lab] - tripped[lab]) for lab in lab_ids() if TRIPPED[lab] - tripped[lab]}
    assert new == {}, "a change trips new Control Tower controls: comply, or list each with its reason"
    assert fixed == {}, "these controls pass now: drop them from TRIPPED and from the README"


def test_the_complied_controls_pass_on_every_lab(tripped: dict[str, set[str]]) -> None:
    assert all(not tripped[lab] & COMPLIED for lab in lab_ids())


def test_the_readme_explains_every_tripped_control_for_its_lab() -> None:
    section = README.read_text(encoding="utf-8").split("### Control Tower's proactive controls", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = {
        match.group(1): {lab for lab in lab_ids() if lab in match.group(2)}
        for match in re.finditer(r"^\| `(CT\.[A-Z0-9]+\.PR\.\d+)` \|([^|]*)\|", section, re.MULTILINE)
    }
    expected: dict[str, set[str]] = {}
    for lab, controls in TRIPPED.items():
        for control in controls:
            expected.setdefault(control, set()).add(lab)
    assert rows == expected
