"""One emulator for every test of a module that needs one: starting one takes about a second and a half."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import boto3
import pytest

from labs.emulator import LocalAws


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


@pytest.fixture(scope="module")
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()


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
