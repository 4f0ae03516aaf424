"""One emulator for every test of a module that needs one: starting one takes about a second and a half."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from labs.cost.prices import PRICES_JSON
from local_aws.client import LocalAws


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    # the kit's price table as the emulator's Spot market, as `labkit emulator` and the demo hand it
    with LocalAws(prices=PRICES_JSON) as aws:
        yield aws


@pytest.fixture(scope="module")
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()
