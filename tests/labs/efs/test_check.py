"""`labkit check LabEfs` on the kit's emulator, against the synthesized lab with its own Lambda code: it
passes, and when the mount is wrong it fails with the hint that names the hands-on's step."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from labs.checks.report import CheckReport
from labs.efs.check import check
from labs.efs.spec import MOUNT_PATH, NFS_PORT
from labs.settings import LabSettings
from local_aws.client import LocalAws
from tests.check_helpers import item, physical_id_of
from tests.labs.efs.packages import functions_zip
from tests.synth import resources, synth_lab

pytestmark = pytest.mark.emulator
STACK = "LabEfs"
ASSETS = "labefs-test-assets"


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


@pytest.fixture(scope="module")
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()


@pytest.fixture(scope="module")
def deployed(session: boto3.Session) -> str:
    """The lab as synthesized (its expiry hours ahead), its code in a bucket of the emulator."""
    template = synth_lab(STACK, LabSettings(now=datetime.now(UTC)))
    template.pop("Rules", None)
    template["Parameters"].pop("BootstrapVersion")
    s3 = session.client("s3")
    s3.create_bucket(Bucket=ASSETS)
    s3.put_object(Bucket=ASSETS, Key="functions.zip", Body=functions_zip())
    for function in resources(template, "AWS::Lambda::Function").values():
        function["Properties"]["Code"] = {"S3Bucket": ASSETS, "S3Key": "functions.zip"}
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(
        StackName=STACK, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"]
    )
    assert cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    return STACK


def _report(session: boto3.Session) -> CheckReport:
    return check(session, stack_name=STACK, on_emulator=True, token="t-check")


def test_the_check_passes_and_shares_a_token_between_the_functions(
    session: boto3.Session, deployed: str
) -> None:
    report = _report(session)

    assert report.passed, [(i.name, i.detail, i.hint) for i in report.items]
    assert (
        "token t-check: written by the writer, read back by the reader"
        in item(report, "Shared through EFS").detail
    )
    assert "POSIX user 1001:1001" in item(report, "Access point").detail
    assert "encrypted" in item(report, "File system").detail
    assert any("/tmp is each execution environment's own" in note for note in report.notes)


def _report_with_nfs_rule(session: boto3.Session, source: dict[str, Any], *, removed: bool) -> CheckReport:
    """The check's report while the mount targets' group has an NFS rule for `source` removed (or added)."""
    ec2 = session.client("ec2")
    targets = physical_id_of(session, STACK, "SharedMountTargets", "AWS::EC2::SecurityGroup")
    rule = {"IpProtocol": "tcp", "FromPort": NFS_PORT, "ToPort": NFS_PORT, **source}
    change, undo = (
        (ec2.revoke_security_group_ingress, ec2.authorize_security_group_ingress)
        if removed
        else (ec2.authorize_security_group_ingress, ec2.revoke_security_group_ingress)
    )
    change(GroupId=targets, IpPermissions=[rule])
    try:
        return _report(session)
    finally:
        undo(GroupId=targets, IpPermissions=[rule])


def test_without_the_nfs_rule_the_check_fails_and_names_step_1(session: boto3.Session, deployed: str) -> None:
    functions = physical_id_of(session, STACK, "Functions", "AWS::EC2::SecurityGroup")

    report = _report_with_nfs_rule(session, {"UserIdGroupPairs": [{"GroupId": functions}]}, removed=True)

    shared = item(report, "Shared through EFS")
    assert not report.passed
    assert "EFSMountConnectivityException" in shared.detail
    assert shared.hint.startswith("Step 1 of the hands-on")
    assert "2049" in shared.hint
    assert item(report, "NFS from the functions only").hint.startswith("Step 1 of the hands-on")


def test_an_nfs_rule_open_to_everyone_fails(session: boto3.Session, deployed: str) -> None:
    report = _report_with_nfs_rule(session, {"IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, removed=False)

    nfs = item(report, "NFS from the functions only")
    assert not report.passed
    assert "0.0.0.0/0" in nfs.detail
    assert "remove the rule(s) letting NFS in from 0.0.0.0/0" in nfs.hint


def test_a_function_that_does_not_mount_the_access_point_fails_and_names_step_3(
    session: boto3.Session, deployed: str
) -> None:
    awslambda = session.client("lambda")
    reader = physical_id_of(session, STACK, "ReaderFunction", "AWS::Lambda::Function")
    mounts = awslambda.get_function_configuration(FunctionName=reader)["FileSystemConfigs"]
    awslambda.update_function_configuration(FunctionName=reader, FileSystemConfigs=[])
    try:
        report = _report(session)
    finally:
        awslambda.update_function_configuration(FunctionName=reader, FileSystemConfigs=mounts)

    mounted = item(report, "Functions mount it")
    assert not report.passed
    assert "the reader mounts no file system" in mounted.detail
    assert mounted.hint.startswith("Step 3 of the hands-on")
    assert f'from_efs_access_point(access_point, "{MOUNT_PATH}")' in mounted.hint
    assert "not tried" in item(report, "Shared through EFS").detail


def test_the_writer_s_files_survive_a_cold_start_of_the_reader(session: boto3.Session, deployed: str) -> None:
    awslambda = session.client("lambda")
    reader = physical_id_of(session, STACK, "ReaderFunction", "AWS::Lambda::Function")
    _report(session)
    awslambda.update_function_configuration(FunctionName=reader, Description="a new environment")

    answer: dict[str, Any] = json.loads(
        awslambda.invoke(FunctionName=reader, Payload=b'{"token": "t-check"}')["Payload"].read()
    )

    assert answer["coldStart"] is True
    assert answer["tmp"]["hadCopy"] is False
    assert answer["efs"]["found"] is True
    assert answer["token"]["token"] == "t-check"
