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


def test_the_shared_service_models_do_not_grow_a_search_path_per_session() -> None:
    first = new_session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    paths = list(first._session.get_component("data_loader").search_paths)

    for _ in range(5):
        new_session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x").client("s3")

    assert first._session.get_component("data_loader").search_paths == paths
    assert sum(path.endswith("boto3/data") for path in paths) == 1


def test_two_configs_give_two_clients_and_one_config_one() -> None:
    from botocore.config import Config

    session = new_session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    standard, patient = Config(retries={"mode": "standard"}), Config(connect_timeout=30)

    assert session.client("s3", config=standard) is session.client("s3", config=standard)
    assert session.client("s3", config=standard) is not session.client("s3", config=patient)
