"""One emulator for every test of a module that needs one: starting one takes about a second and a half."""

from __future__ import annotations

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
