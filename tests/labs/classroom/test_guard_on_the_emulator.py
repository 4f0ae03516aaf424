"""The spend guard against the kit's emulator, as a teacher runs it: a GPU instance a learner started by hand
in their own account, in the class's region or another, is over the cap; never "nobody over their cap"."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
import pytest

from labs.classroom.rehearsal import TEACHER_ROLE, create_admin_role, learner_env
from labs.cli import main
from local_aws.client import LocalAws
from tests.check_helpers import AMI

LEARNER_ACCOUNT = "111111111111"


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


def learner_ec2(aws: LocalAws, role_arn: str, region: str) -> Any:
    env = learner_env(aws.session(), role_arn, {})
    return boto3.client(
        "ec2",
        endpoint_url=aws.endpoint,
        region_name=region,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
    )


def test_a_p4d_started_by_hand_is_over_the_cap_on_the_emulator(local_aws: LocalAws, tmp_path: Path) -> None:
    session = local_aws.session()
    teacher = session.client("sts").get_caller_identity()["Account"]
    # an administrator role the teacher's account may assume, as a sandbox's is (it takes no SourceIdentity)
    role = create_admin_role(session, LEARNER_ACCOUNT, trusted_account=teacher, role=TEACHER_ROLE)
    for region, instance_type in (("us-east-1", "p4d.24xlarge"), ("eu-west-1", "g5.xlarge")):
        ec2 = learner_ec2(local_aws, role, region)
        ec2.run_instances(ImageId=AMI, InstanceType=instance_type, MinCount=1, MaxCount=1)
    roster = tmp_path / "class.txt"
    roster.write_text(f"role={TEACHER_ROLE} cap=0.50\nalice {LEARNER_ACCOUNT}\n", encoding="utf-8")

    out, err = io.StringIO(), io.StringIO()
    terminal = {"COLUMNS": "300", "NO_COLOR": "1"}
    with (
        local_aws.patched_environ(),
        patch.dict(os.environ, terminal),
        redirect_stdout(out),
        redirect_stderr(err),
    ):
        code = main(["class", "guard", "--roster", str(roster), "--no-source-identity"])

    shown = out.getvalue()
    assert code == 1, shown + err.getvalue()
    assert "nobody over their cap" not in shown
    row = next(line for line in shown.splitlines() if "alice" in line and "p4d.24xlarge" in line)
    assert "p4d.24xlarge instance" in row
    assert "made by hand, us-east-1; $32.77" in row
    assert "g5.xlarge instance" in shown
    assert "made by hand, eu-west-1" in shown
    assert shown.rstrip().splitlines()[-1].startswith("1 learner(s) over their cap")
