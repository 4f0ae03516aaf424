"""The emulator's fixtures for LabSpot's emulator tests, with a 1-second interruption warning (the
emulator's 10 s rehearses the lesson; the tests need only its order: warning, termination, replacement),
and the lab's template with its code published, which each test deploys under a stack name of its own."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from labs.cost.prices import PRICES_JSON
from local_aws.client import LocalAws
from tests.labs.spot.deploying import Template, publish_code, spot_template


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws(spot_warning_s=1.0, prices=PRICES_JSON) as aws:
        yield aws


@pytest.fixture(scope="module")
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()


@pytest.fixture(scope="module")
def lab_template() -> Template:
    return spot_template()


@pytest.fixture(scope="module")
def published(session: boto3.Session, lab_template: Template) -> Template:
    """The template, its function's code in the bootstrap bucket as `cdk deploy` would have put it."""
    publish_code(session, lab_template)
    return lab_template
