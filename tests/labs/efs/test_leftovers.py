"""`labkit leftovers LabEfs` on moto: a file system and its access point left behind (a RETAIN policy, a
destroy that failed) are listed by their labkit:lab tag; a file system another lab's stack owns is not."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from labs.catalogue.efs import FILE_SYSTEM
from labs.deployed.session import unless_gone
from labs.efs.deployed import shared_file_system
from labs.leftovers.existing import still_exists
from labs.leftovers.scan import scan_leftovers
from tests.check_helpers import lab_tags, mocked_session


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def test_a_file_system_and_access_point_left_behind_are_listed_by_their_tag(session: boto3.Session) -> None:
    efs = session.client("efs")
    tags = lab_tags("LabEfs", expires=None)
    file_system = efs.create_file_system(CreationToken="left", Encrypted=True, Tags=tags)["FileSystemId"]
    access_point = efs.create_access_point(FileSystemId=file_system, Tags=tags)["AccessPointId"]
    efs.create_file_system(CreationToken="someone-else", Tags=lab_tags("LabOther", expires=None))

    found = {
        (leftover.resource_type, leftover.identifier) for leftover in scan_leftovers(session, lab_id="LabEfs")
    }

    assert found == {("AWS::EFS::FileSystem", file_system), ("AWS::EFS::AccessPoint", access_point)}
    assert scan_leftovers(session, lab_id="LabEc2") == []


def test_a_file_system_deleted_by_hand_is_gone_for_the_check_and_leftovers(session: boto3.Session) -> None:
    """EFS answers FileSystemNotFound, not ResourceNotFoundException: the catalogue's entry names that code,
    so the check reads 'no file system' and a DELETE_FAILED stack's file system is no leftover."""
    efs = session.client("efs")
    file_system = efs.create_file_system(CreationToken="by-hand")["FileSystemId"]
    assert shared_file_system(efs, file_system) is not None
    efs.delete_file_system(FileSystemId=file_system)

    assert shared_file_system(efs, file_system) is None
    assert still_exists(session, FILE_SYSTEM.cfn_type, file_system) is False
    with pytest.raises(ClientError, match="FileSystemNotFound"):
        unless_gone(efs.describe_file_systems, FileSystemId=file_system)
