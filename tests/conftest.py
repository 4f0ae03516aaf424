"""Shared fixtures (the labs' templates, synthesized once per test session) and the test kinds.

Every test has one kind, a marker that `make` selects by: `unit` (no server, no synth, no CLI: seconds),
`synth` (synthesizes the labs in-process or runs the CDK app), `emulator` (starts the kit's moto server),
`e2e` (a lab's whole life through the real CLIs; `make e2e`). A test module declares its kind with
`pytestmark`; a test that uses the synth fixtures is `synth`; an undeclared test of the emulator's own folders
is `emulator`; every other test is `unit`, and a unit test that starts the emulator or a synth fails with a
message that says how to mark it.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from labs.emulator.env_file import ENV_FILE_VARIABLE
from labs.settings import LabSettings
from tests.synth import CDK_GROUP, FIXED_NOW, Synthesized, Template, synthesize

KINDS = ("unit", "synth", "emulator", "e2e")
# the emulator's own folders: a test there starts one unless its module declares otherwise
EMULATOR_TESTS = (
    Path(__file__).resolve().parent / "local_aws",
    Path(__file__).resolve().parent / "labs" / "emulator",
)


def pytest_configure(config: pytest.Config) -> None:
    """No test, nor any command a test starts, reads or writes the checkout's .labkit/emulator.env: a
    developer's running emulator keeps its exports while `make test` runs beside it."""
    if ENV_FILE_VARIABLE not in os.environ:
        os.environ[ENV_FILE_VARIABLE] = str(Path(tempfile.mkdtemp(prefix="labkit-tests-")) / "emulator.env")


@pytest.fixture(scope="session")
def default_settings() -> LabSettings:
    return LabSettings(now=FIXED_NOW)


@pytest.fixture(scope="session")
def default_synth(default_settings: LabSettings) -> Synthesized:
    """The labs as a learner deploys them with cdk.json's defaults."""
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
# fixtures that start the emulator (tests/local_aws/conftest.py and its services/ twin)
_EMULATOR_FIXTURES = {"local_aws"}


def kind_of(item: pytest.Item) -> str:
    """The one kind of a test: its module's declared kind, else what its fixtures start, else unit."""
    declared = [kind for kind in ("e2e", "emulator", "synth", "unit") if item.get_closest_marker(kind)]
    if declared:
        return declared[0]
    fixtures = set(getattr(item, "fixturenames", ()))
    if _EMULATOR_FIXTURES & fixtures:
        return "emulator"
    groups = {value for m in item.iter_markers("xdist_group") for value in (*m.args, *m.kwargs.values())}
    if _SYNTH_FIXTURES & fixtures or "cdk" in groups:
        return "synth"
    if any(folder in item.path.parents for folder in EMULATOR_TESTS):
        return "emulator"
    return "unit"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One worker does every in-process synth (the other never pays for the jsii kernel and aws_cdk);
    each test gets its kind's marker."""
    for item in items:
        if _SYNTH_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(CDK_GROUP)
        kind = kind_of(item)
        if not item.get_closest_marker(kind):
            item.add_marker(kind)


@pytest.fixture(autouse=True)
def unit_tests_start_nothing(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A unit test that starts the emulator or synthesizes fails at once, naming the marker it needs."""
    if request.node.get_closest_marker("unit") is None:
        yield
        return

    def refuse(what: str, marker: str) -> object:
        def refused(*_args: object, **_kwargs: object) -> None:
            raise AssertionError(f"a unit test {what}: mark its module `pytestmark = pytest.mark.{marker}`")

        return refused

    monkeypatch.setattr("local_aws.client.LocalAws.__enter__", refuse("starts the emulator", "emulator"))
    monkeypatch.setattr("labs.synthesis.synthesize", refuse("synthesizes the labs", "synth"))
    yield


@pytest.fixture
def ctrl_c_reaches_children() -> Iterator[None]:
    """Ctrl-C reaches the commands a test starts, as in a terminal's foreground: a shell ignores SIGINT
    for what it runs in the background, and children inherit an ignored signal (never a handled one)."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
