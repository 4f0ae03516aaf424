"""Shared fixtures: synthesized templates of all four labs, synthesized once per test session."""

from __future__ import annotations

import pytest

from labs.settings import LabSettings
from tests.synth import FIXED_NOW, Template, synth_labs


@pytest.fixture(scope="session")
def default_settings() -> LabSettings:
    return LabSettings(now=FIXED_NOW)


@pytest.fixture(scope="session")
def templates(default_settings: LabSettings) -> dict[str, Template]:
    """The four labs as a learner deploys them with cdk.json's defaults."""
    return synth_labs(default_settings)


@pytest.fixture(scope="session")
def alice_templates() -> dict[str, Template]:
    """A teacher's class: owner alice, ping only from one address, no expiry."""
    return synth_labs(LabSettings(owner="alice", ping_cidr="203.0.113.7/32", ttl_hours=0, now=FIXED_NOW))
