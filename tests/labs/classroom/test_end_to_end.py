"""A class on the emulator through the real `labkit class`: two learners deploy two labs each with the
pinned CDK CLI (assemblies synthesized in this process), one deploys nothing, someone off the roster left
an overdue lab; status, a graded check with its four reports, and a destroy that deletes only the
roster's labs and finds nothing left behind.
"""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch

import boto3
import pytest

from labs import synthesis
from labs.cli import main
from labs.demo.cdk_cli import run_cdk
from labs.settings import LabSettings
from local_aws.client import LocalAws
from tests.synth import CDK_GROUP

pytestmark = CDK_GROUP

LABS = ("LabDdbStream", "LabStepFunction")
DEPLOYING = ("alice", "bob")
ROSTER = "# class 1A\nalice\nbob\ncarol\n"
# wide enough that no table wraps a stack name or a figure
TERMINAL = {"COLUMNS": "220", "NO_COLOR": "1"}
STRANGER_TEMPLATE = '{"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}'


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


@pytest.fixture(scope="module")
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("class") / "roster.txt"
    path.write_text(ROSTER, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def deployed_class(
    local_aws: LocalAws, session: boto3.Session, tmp_path_factory: pytest.TempPathFactory
) -> LocalAws:
    """alice and bob deploy both labs as learners do; mallory, not on the roster, left one overdue."""
    env = local_aws.env
    # from a folder without cdk.json: the bootstrap needs no synth of the app
    bootstrap = ["bootstrap", f"aws://{local_aws.account_id}/{local_aws.region}"]
    run_cdk(bootstrap, env=env, cwd=tmp_path_factory.mktemp("bootstrap"))
    for owner in DEPLOYING:
        # synthesized in this process (what app.py builds for -c owner=...), a CLI synth costs ~20 s more
        assembly = str(tmp_path_factory.mktemp(f"cdk-{owner}"))
        settings = LabSettings(owner=owner, sandbox_accounts=(local_aws.account_id,), now=datetime.now(UTC))
        synthesis.synthesize(settings, outdir=assembly)
        # one after the other: two CLIs deploying at once have left a stack in REVIEW_IN_PROGRESS on moto
        run_cdk(["deploy", *LABS, "--app", assembly, "--require-approval", "never"], env=env)
    session.client("cloudformation").create_stack(
        StackName="mallory-LabDdbStream",
        TemplateBody=STRANGER_TEMPLATE,
        Tags=[
            {"Key": "labkit:lab", "Value": "LabDdbStream"},
            {"Key": "labkit:owner", "Value": "mallory"},
            {"Key": "labkit:expires-at", "Value": "2020-01-01T08:00Z"},
        ],
    )
    return local_aws


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def labkit_class(aws: LocalAws, *args: str) -> Run:
    """`labkit class ...` through the CLI's entry point, with the environment `labkit emulator` prints."""
    out, err = io.StringIO(), io.StringIO()
    with aws.patched_environ(), patch.dict(os.environ, TERMINAL), redirect_stdout(out), redirect_stderr(err):
        code = main(["class", *args])
    return Run(code, out.getvalue(), err.getvalue())


def stack_names(session: boto3.Session) -> set[str]:
    stacks = session.client("cloudformation").describe_stacks()["Stacks"]
    return {s["StackName"] for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"}


@pytest.mark.e2e
def test_a_class_from_status_to_graded_report_to_a_clean_account(
    deployed_class: LocalAws, session: boto3.Session, roster: Path, tmp_path: Path
) -> None:
    status = labkit_class(deployed_class, "status", "--roster", str(roster))

    assert status.returncode == 1, status.stdout + status.stderr  # mallory's overdue stack needs the teacher
    out = status.stdout
    for owner in DEPLOYING:
        for lab in LABS:
            assert any(
                owner in line and lab in line and "CREATE_COMPLETE" in line for line in out.splitlines()
            ), out
    assert "On the roster with nothing deployed (1): carol" in out
    assert "Lab stacks whose owner is not on the roster" in out
    assert "OVERDUE" in out
    assert "needs you: mallory-LabDdbStream belongs to no learner on the roster" in out
    assert (
        out.rstrip().splitlines()[-1].startswith("Class total: $0.0000 so far, $0.0000 projected to expiry")
    )

    report = tmp_path / "report"
    check = labkit_class(deployed_class, "check", "--roster", str(roster), "--report", str(report))

    assert check.returncode == 1, check.stdout + check.stderr  # carol deployed nothing
    assert "4 passed, 2 not deployed of 6" in check.stdout
    suites = ET.parse(report / "report.xml").getroot()
    cases = {(case.get("classname"), case.get("name")): case for case in suites.iter("testcase")}
    assert set(cases) == {(owner, lab) for owner in ("alice", "bob", "carol") for lab in LABS}
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == ("6", "2", "0")
    assert all(cases[(owner, lab)].find("failure") is None for owner in DEPLOYING for lab in LABS)
    carol = cases[("carol", "LabDdbStream")].find("failure")
    assert carol is not None
    assert carol.get("type") == "not deployed"
    rows = list(csv.DictReader(io.StringIO((report / "report.csv").read_text(encoding="utf-8"))))
    assert {(row["owner"], row["lab"], row["grade"]) for row in rows} == {
        *((owner, lab, "pass") for owner in DEPLOYING for lab in LABS),
        *(("carol", lab, "not deployed") for lab in LABS),
    }
    page = (report / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "http" not in page  # self-contained: no external asset
    for name in ("alice", "bob", "carol", *LABS):
        assert name in page
    assert "| carol | – not deployed | – not deployed |" in (report / "report.md").read_text(encoding="utf-8")

    refused = labkit_class(deployed_class, "destroy", "--roster", str(roster))
    assert refused.returncode == 2
    assert "pass --yes" in refused.stderr
    assert {f"{owner}-{lab}" for owner in DEPLOYING for lab in LABS} <= stack_names(session)

    # the checks wrote CSV rows into the lab buckets: the stacks' own bucket cleaners empty them
    destroy = labkit_class(deployed_class, "destroy", "--roster", str(roster), "--yes")

    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert stack_names(session) & {f"{owner}-{lab}" for owner in DEPLOYING for lab in LABS} == set()
    assert "mallory-LabDdbStream" in stack_names(session)
    assert "4 lab stack(s) deleted; nothing left behind by 3 learners" in destroy.stdout
