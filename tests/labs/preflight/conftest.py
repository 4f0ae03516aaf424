"""A fresh moto account per preflight test, its EC2 and Service Quotas, and the kit's price table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from moto import mock_aws

from labs.cost.prices import PriceTable, load_prices
from labs.deployed.session import new_session
from labs.preflight.quotas import ServiceQuotasSource
from tests.labs.preflight.accounts import REGION

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials, then a fresh moto account: nothing here can reach a real one."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield


@pytest.fixture
def ec2(aws: None) -> EC2Client:
    return new_session(region_name=REGION).client("ec2")


@pytest.fixture
def service_quotas(aws: None) -> ServiceQuotasSource:
    return ServiceQuotasSource(new_session(region_name=REGION).client("service-quotas"))


@pytest.fixture(scope="module")
def prices() -> PriceTable:
    return load_prices()
