"""The emulator's fixtures for LabSpot's emulator tests, with a 2-second interruption warning (the
emulator's 10 s rehearses the lesson; the tests need only its order: warning, termination, replacement)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from labs.emulator import LocalAws
from tests.labs.emulator.conftest import session

__all__ = ["local_aws", "session"]


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws(spot_warning_s=2.0) as aws:
        yield aws
