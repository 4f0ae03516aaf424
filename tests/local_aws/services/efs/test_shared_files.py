"""EFS parity: a file system CloudFormation made is shared for real by the functions that mount it, and
what Lambda refuses on AWS (a zone without a mount target, no NFS rule, no VPC, no POSIX user) fails alike."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.local_aws.services.efs.shared_stack import MOUNT, READER, WRITER, shared_files
from tests.local_aws.services.stacks import deploy, function_zip, python_function, status, unique, update


def _physical(session: boto3.Session, stack: str, logical_id: str) -> str:
    resource = session.client("cloudformation").describe_stack_resource(
        StackName=stack, LogicalResourceId=logical_id
    )["StackResourceDetail"]
    return str(resource["PhysicalResourceId"])


def _invoke(session: boto3.Session, function: str, event: dict[str, Any]) -> dict[str, Any]:
    answer = session.client("lambda").invoke(FunctionName=function, Payload=json.dumps(event).encode())
    payload: dict[str, Any] = json.loads(answer["Payload"].read())
    if answer.get("FunctionError"):
        payload["FunctionError"] = answer["FunctionError"]
    return payload


@pytest.fixture(scope="module")
def stack(session: boto3.Session) -> str:
    return deploy(session, shared_files())


def test_what_one_function_writes_the_other_reads_through_the_access_point(
    session: boto3.Session, stack: str
) -> None:
    writer, reader = _physical(session, stack, "Writer"), _physical(session, stack, "Reader")

    wrote = _invoke(session, writer, {"name": "token.txt", "text": "shared 42"})
    read = _invoke(session, reader, {"name": "token.txt"})

    assert wrote == {"wrote": f"{MOUNT}/token.txt"}
    assert read["text"] == "shared 42"
    # the root directory was created with the access point's permissions; /tmp is each function's own
    assert read["mode"] == "0o750"
    assert read["in_tmp"] is False


def test_the_file_survives_a_new_execution_environment_where_tmp_does_not(
    session: boto3.Session, stack: str
) -> None:
    writer, reader = _physical(session, stack, "Writer"), _physical(session, stack, "Reader")
    _invoke(session, writer, {"name": "kept.txt", "text": "still here"})
    awslambda = session.client("lambda")
    awslambda.update_function_configuration(FunctionName=writer, Description="a new environment")

    assert _invoke(session, reader, {"name": "kept.txt"})["text"] == "still here"
    # the writer's new environment starts with an empty /tmp: what its old one wrote there is gone
    check = _invoke(session, writer, {"name": "kept.txt", "text": "again"})
    assert check == {"wrote": f"{MOUNT}/kept.txt"}


def test_the_apis_show_what_the_stack_made(session: boto3.Session, stack: str) -> None:
    _invoke(session, _physical(session, stack, "Writer"), {"name": "sized.txt", "text": "x" * 1000})
    efs = session.client("efs")
    file_system_id = _physical(session, stack, "FileSystem")
    file_system = efs.describe_file_systems(FileSystemId=file_system_id)["FileSystems"][0]
    targets = efs.describe_mount_targets(FileSystemId=file_system_id)["MountTargets"]
    points = efs.describe_access_points(FileSystemId=file_system_id)["AccessPoints"]
    configuration = session.client("lambda").get_function_configuration(
        FunctionName=_physical(session, stack, "Writer")
    )

    assert file_system["Encrypted"] is True
    # EFS meters what the files hold (what Standard storage bills)
    assert file_system["SizeInBytes"]["Value"] >= 1000
    assert file_system["ThroughputMode"] == "bursting"
    assert sorted(t["AvailabilityZoneName"] for t in targets) == ["us-east-1a", "us-east-1b"]
    assert _physical(session, stack, "AccessPoint") == points[0]["AccessPointId"]
    assert points[0]["PosixUser"] == {"Uid": 1001, "Gid": 1001}
    assert configuration["FileSystemConfigs"] == [
        {"Arn": points[0]["AccessPointArn"], "LocalMountPath": MOUNT}
    ]
    assert configuration["VpcConfig"]["VpcId"] == _physical(session, stack, "Vpc")
    assert efs.describe_file_system_policy(FileSystemId=file_system_id)["Policy"]


def test_a_zone_without_a_mount_target_fails_the_functions_creation(session: boto3.Session) -> None:
    stack = deploy(session, shared_files(second_target=False))

    events = session.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    reasons = " ".join(str(event.get("ResourceStatusReason", "")) for event in events)
    assert status(session, stack) == "ROLLBACK_COMPLETE"
    assert (
        "does not have mount targets created in all availability zones the function will execute in"
        in reasons
    )


def test_a_function_outside_a_vpc_cannot_reference_an_access_point(session: boto3.Session) -> None:
    stack = deploy(session, shared_files(vpc=False))

    events = session.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    reasons = " ".join(str(event.get("ResourceStatusReason", "")) for event in events)
    assert status(session, stack) == "ROLLBACK_COMPLETE"
    assert "Function must be configured to execute in a VPC to reference access point" in reasons


def test_without_the_nfs_rule_the_invocation_fails_to_connect(session: boto3.Session) -> None:
    stack = deploy(session, shared_files(nfs_rule=False))

    with pytest.raises(ClientError) as refused:
        _invoke(session, _physical(session, stack, "Reader"), {"name": "x"})

    error = refused.value.response
    assert error["Error"]["Code"] == "EFSMountConnectivityException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 408


def test_a_root_directory_that_cannot_be_created_fails_the_mount(session: boto3.Session) -> None:
    stack = deploy(session, shared_files(creation_info=False))

    with pytest.raises(ClientError) as refused:
        _invoke(session, _physical(session, stack, "Reader"), {"name": "x"})

    error = refused.value.response
    assert error["Error"]["Code"] == "EFSMountFailureException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "/lambda does not exist" in error["Error"]["Message"]


def test_without_a_posix_user_a_write_is_denied(session: boto3.Session) -> None:
    stack = deploy(session, shared_files(posix_user=False, permissions="755"))

    wrote = _invoke(session, _physical(session, stack, "Writer"), {"name": "x.txt", "text": "no"})

    assert wrote["FunctionError"] == "Unhandled"
    assert wrote["errorType"] == "PermissionError"
    assert "Permission denied" in wrote["errorMessage"]
    assert _invoke(session, _physical(session, stack, "Reader"), {"name": "x.txt"})["text"] is None


def test_a_mount_removed_from_the_template_is_removed_from_the_function(session: boto3.Session) -> None:
    bucket = unique("labkit-efs-code").lower()
    s3 = session.client("s3")
    s3.create_bucket(Bucket=bucket)
    for name, source in (("Writer", WRITER), ("Reader", READER)):
        s3.put_object(Bucket=bucket, Key=f"{name}.zip", Body=function_zip({"index.py": source}))
    code = {name: {"S3Bucket": bucket, "S3Key": f"{name}.zip"} for name in ("Writer", "Reader")}
    stack = deploy(session, shared_files(code=code))
    update(session, stack, shared_files(mount=False, code=code))

    configuration = session.client("lambda").get_function_configuration(
        FunctionName=_physical(session, stack, "Reader")
    )
    assert status(session, stack) == "UPDATE_COMPLETE"
    assert "FileSystemConfigs" not in configuration


def test_destroy_leaves_nothing_of_the_file_system(session: boto3.Session) -> None:
    stack = deploy(session, shared_files())
    file_system_id = _physical(session, stack, "FileSystem")
    _invoke(session, _physical(session, stack, "Writer"), {"name": "gone.txt", "text": "bye"})

    session.client("cloudformation").delete_stack(StackName=stack)

    efs = session.client("efs")
    assert status(session, stack) == "DELETE_COMPLETE"
    remaining = [f["FileSystemId"] for f in efs.describe_file_systems()["FileSystems"]]
    assert file_system_id not in remaining
    points = [p for p in efs.describe_access_points()["AccessPoints"] if p["FileSystemId"] == file_system_id]
    assert points == []
    tagged = session.client("resourcegroupstaggingapi").get_resources()["ResourceTagMappingList"]
    assert not [t for t in tagged if file_system_id in t["ResourceARN"]]


TMP_AND_READ_ONLY = """
import os

def handler(event, context):
    seen = os.path.exists("/tmp/mine")
    open("/tmp/mine", "w").write("1")
    try:
        open("/mnt/nothing/file", "w")
    except OSError as error:
        return {"had": seen, "errno": error.errno, "error": error.strerror}
    return {"had": seen}
"""


def test_a_function_writes_only_its_own_tmp_and_its_mounts(session: boto3.Session) -> None:
    first, second = python_function(session, TMP_AND_READ_ONLY), python_function(session, TMP_AND_READ_ONLY)

    answers = [_invoke(session, name, {}) for name in (first, first, second)]

    # Lambda's file system is read-only outside /tmp and the mounts; each environment's /tmp is its own
    assert [answer["had"] for answer in answers] == [False, True, False]
    assert {(answer["errno"], answer["error"]) for answer in answers} == {(30, "Read-only file system")}
