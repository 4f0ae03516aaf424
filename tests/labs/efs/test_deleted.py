"""`labkit check LabEfs` after a learner deleted one of the stack's resources by hand: the item names what the
stack lists and no longer exists, with the commands that rebuild the lab (a redeploy changes nothing), never
the starter's step hint nor a mount line that contradicts it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest

from labs.checks.report import CheckReport, Outcome
from labs.efs.check import check
from labs.settings import LabSettings
from local_aws.client import LocalAws
from tests.check_helpers import item, physical_id_of
from tests.labs.efs.packages import functions_zip
from tests.synth import Template, resources, synth_lab

pytestmark = pytest.mark.emulator
ASSETS = "labefs-deleted-assets"


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    with LocalAws() as aws:
        session = aws.session()
        s3 = session.client("s3")
        s3.create_bucket(Bucket=ASSETS)
        s3.put_object(Bucket=ASSETS, Key="functions.zip", Body=functions_zip())
        yield session


@pytest.fixture(scope="module")
def template() -> Template:
    synthesized = synth_lab("LabEfs", LabSettings(now=datetime.now(UTC)))
    synthesized.pop("Rules", None)
    synthesized["Parameters"].pop("BootstrapVersion")
    for function in resources(synthesized, "AWS::Lambda::Function").values():
        function["Properties"]["Code"] = {"S3Bucket": ASSETS, "S3Key": "functions.zip"}
    return synthesized


@pytest.fixture
def stack(session: boto3.Session, template: Template) -> str:
    """A fresh LabEfs of its own owner (`t1a2b3c-LabEfs`)."""
    name = f"t{uuid.uuid4().hex[:6]}-LabEfs"
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(
        StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"]
    )
    assert cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    return name


def assert_deleted_by_hand(report: CheckReport, name: str, listed: str, stack: str) -> None:
    found = item(report, name)
    lab = f"LabEfs -c owner={stack.removesuffix('-LabEfs')}"
    assert found.outcome is Outcome.FAIL
    assert found.detail == f"the stack lists {listed}, but it no longer exists (deleted by hand?)"
    assert found.hint == f"rebuild the lab: `cdk destroy {lab}`, then `cdk deploy {lab}`"


def test_a_function_deleted_by_hand_is_named_with_the_commands_that_rebuild_the_lab(
    session: boto3.Session, stack: str
) -> None:
    writer = physical_id_of(session, stack, "WriterFunction", "AWS::Lambda::Function")
    session.client("lambda").delete_function(FunctionName=writer)

    report = check(session, stack_name=stack, on_emulator=True, token="t-check")

    assert_deleted_by_hand(report, "Functions", f"the writer function {writer}", stack)


def test_an_access_point_deleted_by_hand_is_named_and_no_mount_line_contradicts_it(
    session: boto3.Session, stack: str
) -> None:
    access_point = physical_id_of(session, stack, "SharedFileSystemAccessPoint", "AWS::EFS::AccessPoint")
    session.client("efs").delete_access_point(AccessPointId=access_point)

    report = check(session, stack_name=stack, on_emulator=True, token="t-check")

    assert_deleted_by_hand(report, "Access point", access_point, stack)
    assert "Step 2" not in item(report, "Access point").hint
    assert [i.name for i in report.items if i.outcome is Outcome.FAIL] == ["Access point"]
