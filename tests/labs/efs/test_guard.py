"""The spend guard sees EFS file systems as it sees EBS volumes: storage that bills every hour it exists,
priced by the size EFS metered; a throughput mode the price table lacks is named, never priced at $0."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from labs.catalogue.efs import FILE_SYSTEM
from labs.catalogue.entry import RegionReach
from labs.classroom.billing import stop_command
from labs.cost.prices import load_prices
from labs.cost.running import scan_account, seen_by_the_scan
from tests.check_helpers import lab_tags, mocked_session

PRICES = load_prices()
GIB = 2**30


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


class Metered:
    """EFS answering for one file system of a given metered size."""

    def __init__(self, size_bytes: int) -> None:
        self.size_bytes = size_bytes

    def get_paginator(self, _operation: str) -> Any:
        page = {
            "FileSystems": [
                {"FileSystemId": "fs-0123", "SizeInBytes": {"Value": self.size_bytes}, "Tags": []}
            ]
        }

        class Pages:
            def paginate(self, **_: Any) -> list[dict[str, Any]]:
                return [page]

        return Pages()


def test_the_scan_finds_every_file_system_with_its_lab_tag_and_prices_what_it_stores(
    session: boto3.Session,
) -> None:
    efs = session.client("efs")
    lab = efs.create_file_system(CreationToken="lab", Tags=lab_tags("LabEfs", "alice"))["FileSystemId"]
    by_hand = efs.create_file_system(CreationToken="console")["FileSystemId"]

    scan = scan_account(session, PRICES, regions=["us-east-1"])

    found = {r.identifier: r for r in scan.resources if r.resource_type == FILE_SYSTEM.cfn_type}
    assert set(found) == {lab, by_hand}
    assert found[lab].tags["labkit:lab"] == "LabEfs"
    assert found[lab].usd_per_hour == 0  # empty: nothing stored yet
    assert found[lab].what == "EFS file system of 0 GiB (bursting throughput)"
    assert scan.unverified == ()
    assert "EFS file systems, by the GB they store" in seen_by_the_scan()
    # DeleteFileSystem refuses while mount targets exist: the console deletes both
    console = f"stop {by_hand} in the console (AWS::EFS::FileSystem)"
    assert stop_command(found[by_hand], "us-east-1") == console


def test_a_hundred_gib_stored_bill_at_the_standard_price_by_the_hour() -> None:
    running = FILE_SYSTEM.running
    assert running is not None

    (found,) = running.scan(RegionReach(name="us-east-1", client=lambda _: Metered(100 * GIB)), PRICES)

    assert found.usd_per_hour == pytest.approx(100 * 0.30 / PRICES.hours_per_month)
    assert found.what.startswith("EFS file system of 100 GiB")


def test_provisioned_throughput_is_named_not_priced(session: boto3.Session) -> None:
    efs = session.client("efs")
    efs.create_file_system(
        CreationToken="fast", ThroughputMode="provisioned", ProvisionedThroughputInMibps=64
    )

    scan = scan_account(session, PRICES, regions=["us-east-1"])

    (found,) = [r for r in scan.resources if r.resource_type == FILE_SYSTEM.cfn_type]
    assert found.usd_per_hour is None
    assert "provisioned EFS throughput is not in the price table" in found.note
