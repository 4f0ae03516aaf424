"""`labkit preflight LabEfs --learners N` on moto: the quotas a class of LabEfs takes, the account's file
systems counted through EFS, and the Service Quotas request when the class would not fit."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from labs.cost.prices import load_prices
from labs.preflight.quotas import EFS_FILE_SYSTEMS, VPCS, Limit, Quota, check_quotas
from labs.preflight.results import FAIL, OK, Line
from tests.check_helpers import mocked_session
from tests.synth import Template


class TenFileSystems:
    """An account whose EFS file systems quota was lowered to 10; AWS's defaults elsewhere."""

    def limit(self, quota: Quota) -> Limit:
        return Limit(value=10 if quota is EFS_FILE_SYSTEMS else quota.aws_default, source="applied quota")


class Defaults:
    """AWS's default quotas."""

    def limit(self, quota: Quota) -> Limit:
        return Limit(value=quota.aws_default, source="AWS default")


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch) as mocked:
        yield mocked


def test_a_class_counts_the_accounts_file_systems_and_needs_one_vpc_each(
    session: boto3.Session, templates: dict[str, Template]
) -> None:
    session.client("efs").create_file_system(CreationToken="already-there")

    def checks(quotas: TenFileSystems | Defaults) -> dict[str, Line]:
        found = check_quotas(
            templates["LabEfs"],
            ec2=session.client("ec2"),
            quotas=quotas,
            prices=load_prices(),
            learners=30,
            clients=session.client,
        )
        return {check.quota.name: check.line() for check in found}

    fits, tight = checks(Defaults()), checks(TenFileSystems())

    efs_line = fits[EFS_FILE_SYSTEMS.name]
    assert efs_line.status == OK
    assert "1 used + 30 needed (30 learners × 1) = 31 of 1000" in efs_line.detail
    assert fits[VPCS.name].status == FAIL
    over = tight[EFS_FILE_SYSTEMS.name]
    assert over.status == FAIL
    assert over.check == "quota EFS file systems (elasticfilesystem L-848C634D)"
    assert "--service-code elasticfilesystem --quota-code L-848C634D --desired-value 31" in over.fix
