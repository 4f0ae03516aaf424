"""Shared fixtures: synthesized templates of all four labs, synthesized once per test session."""

from __future__ import annotations

import pytest

from labs.settings import LabSettings
from tests.synth import FIXED_NOW, Synthesized, Template, synthesize


@pytest.fixture(scope="session")
def default_settings() -> LabSettings:
    return LabSettings(now=FIXED_NOW)


@pytest.fixture(scope="session")
def default_synth(default_settings: LabSettings) -> Synthesized:
    """The four labs as a learner deploys them with cdk.json's defaults."""
    return synthesize(default_settings)


@pytest.fixture(scope="session")
def templates(default_synth: Synthesized) -> dict[str, Template]:
    return default_synth.templates()


@pytest.fixture(scope="session")
def alice_synth() -> Synthesized:
    """A teacher's class: owner alice, ping only from one address, no expiry."""
    return synthesize(LabSettings(owner="alice", ping_cidr="203.0.113.7/32", ttl_hours=0, now=FIXED_NOW))


@pytest.fixture(scope="session")
def alice_templates(alice_synth: Synthesized) -> dict[str, Template]:
    return alice_synth.templates()
