"""The parity tests of a worker share one emulator, as they did as one module, not one per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from labs.emulator import LocalAws


@pytest.fixture(scope="package")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws
