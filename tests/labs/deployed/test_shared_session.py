"""The kit's sessions: each command's session makes a client once and reads the region as `cdk deploy` does,
and every session of a process shares the service models already loaded."""

from __future__ import annotations

import pytest

from labs.deployed.session import new_session, session_from_environment


def test_sessions_of_one_process_share_their_service_models_but_not_their_clients() -> None:
    first = new_session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    second = new_session(region_name="eu-west-1", aws_access_key_id="y", aws_secret_access_key="y")

    loader = first._session.get_component("data_loader")

    assert second._session.get_component("data_loader") is loader
    assert first.client("sts") is first.client("sts")
    assert second.client("sts") is not first.client("sts")
    assert second.client("sts").meta.region_name == "eu-west-1"


def test_a_command_s_session_takes_aws_region_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")

    assert session_from_environment().region_name == "eu-central-1"
    monkeypatch.setenv("AWS_REGION", " ")
    assert session_from_environment().region_name == "us-east-1"
