"""Fixtures of every Lambda package's tests: fake credentials and moto's S3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and region, so nothing can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)


@pytest.fixture
def aws(aws_credentials: None) -> Iterator[None]:
    """A fresh moto account per test (starting it is cheap; creating clients is not, so they are reused).

    moto routes every client created after `import moto` (above) while a mock is active, so the session's
    S3 client and the handler's cached client both talk to this test's moto state.
    """
    with mock_aws():
        yield


@pytest.fixture(scope="session")
def _s3_client() -> Any:
    return boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def s3(aws: None, _s3_client: Any) -> Any:
    return _s3_client
