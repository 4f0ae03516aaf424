"""The emulator's fixtures (tests/labs/emulator/conftest.py) for LabSpot's emulator tests."""

from __future__ import annotations

from tests.labs.emulator.conftest import local_aws, session

__all__ = ["local_aws", "session"]
