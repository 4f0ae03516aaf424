"""The services' tests of a worker share one emulator, as they did as one module, not one per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from labs.cost.prices import PRICES_JSON
from local_aws.client import LocalAws


@pytest.fixture(scope="package")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws(prices=PRICES_JSON) as aws:
        yield aws
