"""A class across accounts on the emulator, through the real `labkit class`: each learner in an account of
their own, reached through the teacher's role there. alice and bob deploy the cheap labs, bob also runs an
instance made by hand, dave runs LabEc2 over his spend cap, erin's account has no such role, carol shares
the teacher's account and deploys nothing. Preflight, status with spend, check with every report, guard
--enforce (verified), destroy.
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
import pytest

from labs import synthesis
from labs.classroom.rehearsal import TEACHER_ROLE, create_learner_role, learner_env
from labs.cli import main
from labs.demo.cdk_cli import run_cdk
from labs.settings import LabSettings
from local_aws.client import LocalAws
from tests.synth import CDK_GROUP

pytestmark = CDK_GROUP

ACCOUNTS = {"alice": "111111111111", "bob": "222222222222", "dave": "333333333333"}
DEPLOYS = {"alice": ("LabDdbStream", "LabStepFunction"), "bob": ("LabDdbStream",), "dave": ("LabEc2",)}
MISSING_ROLE_ACCOUNT = "444444444444"
GRADED = ("LabDdbStream", "LabStepFunction")
ROSTER = f"""# class 1B: one account per learner, the teacher's role in each
role={TEACHER_ROLE} cap=0.05
alice {ACCOUNTS["alice"]}
bob {ACCOUNTS["bob"]}
carol
dave {ACCOUNTS["dave"]} cap=0.005
erin {MISSING_ROLE_ACCOUNT}
"""
OWNERS = ("alice", "bob", "carol", "dave", "erin")
TERMINAL = {"COLUMNS": "400", "NO_COLOR": "1"}


@dataclass(frozen=True)
class Class:
    aws: LocalAws
    roster: Path
    roles: dict[str, str]  # owner -> role ARN in their account
    by_hand: str  # the instance bob launched from "the console"


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


def learner_client(aws: LocalAws, role_arn: str, service: str) -> Any:
    env = learner_env(aws.session(), role_arn, {})
    make: Any = boto3.client  # the service is a variable: no typed overload applies
    return make(
        service,
        endpoint_url=aws.endpoint,
        region_name=aws.region,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
    )


@pytest.fixture(scope="module")
def a_class(local_aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Class:
    """Three learner accounts with the teacher's role, bootstrapped, the labs deployed as learners do."""
    session = local_aws.session()
    teacher = session.client("sts").get_caller_identity()["Account"]
    roles = {
        owner: create_learner_role(session, account, teacher_account=teacher)
        for owner, account in ACCOUNTS.items()
    }
    for owner, account in ACCOUNTS.items():
        env = learner_env(session, roles[owner], local_aws.env)
        bootstrap = ["bootstrap", f"aws://{account}/{local_aws.region}"]
        run_cdk(bootstrap, env=env, cwd=tmp_path_factory.mktemp(f"bootstrap-{owner}"))
        assembly = str(tmp_path_factory.mktemp(f"cdk-{owner}"))
        settings = LabSettings(owner=owner, sandbox_accounts=(account,), now=datetime.now(UTC))
        synthesis.synthesize(settings, outdir=assembly)
        run_cdk(["deploy", *DEPLOYS[owner], "--app", assembly, "--require-approval", "never"], env=env)
    ec2 = learner_client(local_aws, roles["bob"], "ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    launched = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    roster = tmp_path_factory.mktemp("class") / "class-1b.txt"
    roster.write_text(ROSTER, encoding="utf-8")
    return Class(local_aws, roster, roles, launched["Instances"][0]["InstanceId"])


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def labkit_class(aws: LocalAws, *args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with aws.patched_environ(), patch.dict(os.environ, TERMINAL), redirect_stdout(out), redirect_stderr(err):
        code = main(["class", *args])
    return Run(code, out.getvalue(), err.getvalue())


def line_with(out: str, *words: str) -> str:
    return next((line for line in out.splitlines() if all(word in line for word in words)), "")


def live_stacks(aws: LocalAws, role_arn: str) -> set[str]:
    stacks = learner_client(aws, role_arn, "cloudformation").describe_stacks()["Stacks"]
    return {
        s["StackName"]
        for s in stacks
        if s["StackStatus"] != "DELETE_COMPLETE" and "Toolkit" not in s["StackName"]
    }


@pytest.mark.e2e
def test_a_class_across_accounts_from_preflight_to_guard_to_destroy(a_class: Class, tmp_path: Path) -> None:
    aws, roster = a_class.aws, str(a_class.roster)
    erin_role = f"arn:aws:iam::{MISSING_ROLE_ACCOUNT}:role/{TEACHER_ROLE}"

    preflight = labkit_class(aws, "preflight", "--roster", roster, *GRADED)

    assert preflight.returncode == 1, preflight.stdout + preflight.stderr
    assert line_with(preflight.stdout, "erin: reach account 444444444444", "fail", "AccessDenied")
    for account in ACCOUNTS.values():
        assert line_with(preflight.stdout, f"{account} us-east-1: region us-east-1", "pass")

    status = labkit_class(aws, "status", "--roster", roster)

    out = status.stdout
    assert status.returncode == 1, out + status.stderr
    for owner, labs in DEPLOYS.items():
        for lab in labs:
            assert line_with(out, owner, ACCOUNTS[owner], lab, "CREATE_COMPLETE"), out
    # t3.micro, its public IPv4 and its 8 GiB gp2 root volume
    bob = line_with(out, "bob", "222222222222 us-east-1", "$0.01650")
    assert f"{a_class.by_hand} (t3.micro instance with a public IPv4, made by hand)" in bob, out
    dave = line_with(out, "dave", "333333333333 us-east-1", "OVER")
    assert dave, out
    erin = line_with(out, "erin", MISSING_ROLE_ACCOUNT, "NOT REACHED")
    assert f"role {erin_role} cannot be assumed (AccessDenied" in erin, out
    assert "needs you: dave runs $0.0" in out
    assert "On the roster with nothing deployed (1): carol" in out

    report = tmp_path / "report"
    check = labkit_class(aws, "check", "--roster", roster, *GRADED, "--report", str(report))

    assert check.returncode == 1, check.stdout + check.stderr
    assert "3 passed, 5 not deployed, 2 could not be checked of 10" in check.stdout, check.stdout + (
        report / "report.md"
    ).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO((report / "report.csv").read_text(encoding="utf-8"))))
    grades = {(row["owner"], row["lab"]): row["grade"] for row in rows}
    assert grades[("alice", "LabStepFunction")] == "pass"
    assert grades[("bob", "LabDdbStream")] == "pass"
    assert grades[("erin", "LabDdbStream")] == "error"
    suites = ET.parse(report / "report.xml").getroot()
    erin_case = next(c for c in suites.iter("testcase") if c.get("classname") == "erin")
    error = erin_case.find("error")
    assert error is not None
    assert "cannot be assumed" in (error.get("message") or "")
    for owner in OWNERS:
        results = json.loads((report / "gradescope" / owner / "results.json").read_text(encoding="utf-8"))
        assert [test["name"] for test in results["tests"]] == list(GRADED)
        assert results["score"] == sum(grades[(owner, lab)] == "pass" for lab in GRADED)
    erin_results = json.loads((report / "gradescope" / "erin" / "results.json").read_text(encoding="utf-8"))
    assert "cannot be assumed" in erin_results["tests"][0]["output"]
    assert "erin" in (report / "report.md").read_text(encoding="utf-8")

    guard = labkit_class(aws, "guard", "--roster", roster, "--enforce")

    assert guard.returncode == 1, guard.stdout + guard.stderr  # erin is still not reached
    over = line_with(guard.stdout, "dave", "333333333333 us-east-1", "$0.01019", "$0.00500")
    assert "t4g.nano instance (stack dave-LabEc2)" in over, guard.stdout
    enforced = line_with(guard.stdout, "dave", "dave-LabEc2", "$0.00000")
    removed, still = enforced.split("│")[3:5]
    assert "t4g.nano instance" in removed, guard.stdout
    assert "Elastic IP" in removed, guard.stdout
    assert still.strip() == "nothing", guard.stdout
    assert "1 learner(s) brought under their cap, verified; 1 learner(s) not reached" in guard.stdout
    assert live_stacks(aws, a_class.roles["dave"]) == set()
    dave_ec2 = learner_client(aws, a_class.roles["dave"], "ec2")
    states = [
        i["State"]["Name"] for r in dave_ec2.describe_instances()["Reservations"] for i in r["Instances"]
    ]
    assert set(states) <= {"terminated", "shutting-down"}
    assert dave_ec2.describe_addresses()["Addresses"] == []
    assert not line_with(guard.stdout, "bob", "222222222222")  # under his cap: the guard leaves him be

    destroy = labkit_class(aws, "destroy", "--roster", roster, "--yes")

    assert destroy.returncode == 1, destroy.stdout + destroy.stderr  # erin: nothing of hers could be deleted
    assert live_stacks(aws, a_class.roles["alice"]) == set()
    assert live_stacks(aws, a_class.roles["bob"]) == set()
    assert "not reached: erin: role" in destroy.stdout
    assert line_with(destroy.stdout, "alice-LabStepFunction", "deleted")
