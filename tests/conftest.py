"""Shared fixtures: synthesized templates of all four labs, synthesized once per test session."""

from __future__ import annotations

import pytest

from labs.settings import LabSettings
from tests.synth import CDK_GROUP, FIXED_NOW, Synthesized, Template, synthesize


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


# fixtures whose users synthesize in-process (modules that synthesize directly set `pytestmark = CDK_GROUP`)
_SYNTH_FIXTURES = {"default_synth", "alice_synth"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One worker does every in-process synth: the other never pays for the jsii kernel and aws_cdk."""
    for item in items:
        if _SYNTH_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(CDK_GROUP)
