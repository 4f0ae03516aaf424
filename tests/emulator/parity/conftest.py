"""One emulator for all the parity tests of a worker, as when they were one module: each start costs ~2 s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from labs.emulator import LocalAws


@pytest.fixture(scope="package")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws
