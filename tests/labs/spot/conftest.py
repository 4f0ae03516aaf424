"""The emulator's fixtures for LabSpot's emulator tests, with a 2-second interruption warning (the
emulator's 10 s rehearses the lesson; the tests need only its order: warning, termination, replacement)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from labs.cost.prices import PRICES_JSON
from local_aws.client import LocalAws


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws(spot_warning_s=2.0, prices=PRICES_JSON) as aws:
        yield aws


@pytest.fixture(scope="module")
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()
