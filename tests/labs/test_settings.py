"""Context values are parsed once, strictly, with errors that name the key, the value and the fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labs.cdk_json import KIT_CDK_JSON as CDK_JSON
from labs.settings import (
    DEFAULT_TTL_HOURS,
    SETTING_KEYS,
    AccountNotAllowedError,
    LabSettings,
    SettingsError,
    parse_accounts,
    parse_availability_zone,
    parse_cidr,
    parse_handler_code,
    parse_my_labs,
    parse_owner,
    parse_ttl_hours,
)

NOW = datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC)


def settings_from(context: dict[str, Any], environ: dict[str, str] | None = None) -> LabSettings:
    return LabSettings.from_context(context.get, environ or {}, now=NOW)


def test_defaults_match_cdk_json() -> None:
    settings = settings_from({})
    assert settings.owner is None
    assert settings.sandbox_accounts == ()
    assert settings.ping_cidr == "0.0.0.0/0"
    assert settings.ttl_hours == 8
    assert settings.availability_zone is None
    assert settings.stack_name("LabEc2") == "LabEc2"
    context = json.loads(CDK_JSON.read_text(encoding="utf-8"))["context"]
    assert settings_from(context) == settings


def test_cli_strings_and_cdk_json_lists_both_work() -> None:
    assert parse_accounts("111111111111, 222222222222") == ("111111111111", "222222222222")
    assert parse_accounts(["111111111111", 222222222222]) == ("111111111111", "222222222222")
    assert parse_ttl_hours("4") == 4.0
    assert parse_ttl_hours(2.5) == 2.5


@pytest.mark.parametrize(
    ("parse", "value", "named"),
    [
        (parse_owner, "Alice", "owner='Alice'"),
        (parse_owner, "al ice", "owner='al ice'"),
        (parse_owner, "-alice", "owner='-alice'"),
        (parse_accounts, "1234,111111111111", "'1234'"),
        (parse_accounts, "abcdefghijkl", "'abcdefghijkl'"),
        (parse_cidr, "10.0.0.1/24", "pingCidr='10.0.0.1/24'"),
        (parse_cidr, "my-laptop", "pingCidr='my-laptop'"),
        (parse_cidr, "2001:db8::/32", "IPv6"),
        (parse_ttl_hours, "eight", "ttlHours='eight'"),
        (parse_ttl_hours, "-1", "ttlHours='-1'"),
        (parse_ttl_hours, "nan", "ttlHours='nan'"),
        (parse_ttl_hours, "1000", "ttlHours='1000'"),
        (parse_ttl_hours, "0.05", "shorter than 10 minutes"),
        (parse_availability_zone, "use1-az4", "not a zone id such as use1-az4"),
        (parse_availability_zone, "us-east-1", "availabilityZone='us-east-1' is not a zone name"),
    ],
)
def test_bad_context_values_get_a_clear_error(parse: Any, value: str, named: str) -> None:
    with pytest.raises(SettingsError) as raised:
        parse(value)
    assert named in str(raised.value)


@pytest.mark.parametrize("zone", ["us-east-1d", "eu-central-1a", "ap-southeast-2b", "us-gov-west-1a"])
def test_an_availability_zone_is_taken_by_its_name(zone: str) -> None:
    assert settings_from({"availabilityZone": f" {zone} "}).availability_zone == zone


def test_an_availability_zone_outside_the_target_region_is_refused_before_deploy() -> None:
    assert settings_from({"availabilityZone": "eu-west-1a"}, {"CDK_DEFAULT_REGION": "eu-west-1"})
    with pytest.raises(SettingsError, match="not in the target region us-east-1"):
        settings_from({"availabilityZone": "eu-west-1a"}, {"CDK_DEFAULT_REGION": "us-east-1"})


def test_ttl_zero_turns_expiry_off() -> None:
    assert settings_from({"ttlHours": "0"}).expires_at is None


def test_expiry_rounds_up_to_the_next_minute_after_the_ttl() -> None:
    assert settings_from({"ttlHours": "8"}).expires_at == datetime(2026, 1, 1, 20, 1, tzinfo=UTC)
    on_the_minute = LabSettings(ttl_hours=1, now=datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
    assert on_the_minute.expires_at == datetime(2026, 1, 1, 13, 0, tzinfo=UTC)


@given(st.from_regex(r"[a-z][a-z0-9-]{0,30}[a-z0-9]", fullmatch=True))
def test_any_valid_owner_prefixes_every_stack_name(owner: str) -> None:
    settings = LabSettings(owner=parse_owner(owner))
    assert settings.stack_name("LabAsg") == f"{owner}-LabAsg"


class TestAccountGuard:
    def test_refuses_a_known_account_outside_the_list_and_names_both(self) -> None:
        settings = settings_from(
            {"sandboxAccounts": "111111111111,222222222222"}, {"CDK_DEFAULT_ACCOUNT": "999999999999"}
        )
        with pytest.raises(AccountNotAllowedError) as refused:
            settings.check_target_account()
        message = str(refused.value)
        assert "999999999999" in message
        assert "111111111111, 222222222222" in message

    def test_an_explicit_target_is_checked_too(self) -> None:
        settings = settings_from(
            {"sandboxAccounts": "111111111111", "account": "333333333333"},
            {"CDK_DEFAULT_ACCOUNT": "111111111111"},
        )
        with pytest.raises(AccountNotAllowedError, match="333333333333"):
            settings.check_target_account()

    def test_allows_a_sandbox_account(self) -> None:
        settings = settings_from({"sandboxAccounts": "111111111111"}, {"CDK_DEFAULT_ACCOUNT": "111111111111"})
        assert settings.check_target_account() is None

    def test_synth_without_credentials_keeps_working(self) -> None:
        assert settings_from({"sandboxAccounts": "111111111111"}).check_target_account() is None

    def test_no_list_gives_a_one_line_warning(self) -> None:
        warning = settings_from({}, {"CDK_DEFAULT_ACCOUNT": "999999999999"}).check_target_account()
        assert warning is not None
        assert "sandboxAccounts" in warning
        assert "\n" not in warning

    def test_malformed_target_account_is_an_error(self) -> None:
        with pytest.raises(SettingsError, match="12-digit"):
            settings_from({}, {"CDK_DEPLOY_ACCOUNT": "12345"})


@pytest.mark.parametrize(
    ("files", "named"),
    [
        ({}, "holds no handler.py: write one with `labkit exercise LabDdbStream`"),
        (
            {"handler.py": "def handler(event, context):\n    return (\n"},
            "handler.py line 2 is not valid Python",
        ),
        ({"handler.py": "def main(event, context):\n    return {}\n"}, "defines no function `handler(event"),
    ],
)
def test_a_learners_handler_folder_is_checked_before_anything_is_built(
    tmp_path: Path, files: dict[str, str], named: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as raised:
        parse_handler_code(str(tmp_path))

    # the app still builds: the error is the function labs' alone (tests/labs/exercises)
    settings = settings_from({"handlerCode": str(tmp_path)})

    assert f"handlerCode='{tmp_path}'" in str(raised.value)
    assert named in str(raised.value)
    assert settings.handler_code is None
    assert settings.handler_code_error == str(raised.value)


def test_handler_code_and_my_labs_name_existing_folders(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text("def handler(event, context):\n    return {}\n", encoding="utf-8")

    settings = settings_from({"handlerCode": str(tmp_path), "myLabs": str(tmp_path)})

    assert settings.handler_code == tmp_path.resolve()
    assert settings.my_labs == tmp_path
    assert settings_from({}).handler_code is None
    assert settings_from({}).my_labs == Path("my-labs")
    with pytest.raises(SettingsError, match="handlerCode='nowhere' is not a folder"):
        parse_handler_code("nowhere")
    with pytest.raises(SettingsError, match="myLabs='nowhere' is not a folder"):
        parse_my_labs("nowhere")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("ttl", "ttlHours"), ("ttlhours", "ttlHours"), ("Owner", "owner"), ("sandboxAccount", "sandboxAccounts"),
     ("pingCIDR", "pingCidr"), ("handlercode", "handlerCode"), ("permissionBoundary", "permissionsBoundary")],
)  # fmt: skip
def test_a_misspelt_setting_is_refused_naming_the_setting(typed: str, meant: str) -> None:
    with pytest.raises(SettingsError) as raised:
        LabSettings.from_context(lambda _key: None, {}, now=NOW, keys=[typed])

    assert f"unknown setting {typed!r}: did you mean {meant}?" in str(raised.value)
    assert "the kit's settings: owner, sandboxAccounts" in str(raised.value)


def test_cdks_own_keys_and_unrelated_keys_pass() -> None:
    keys = [
        "@aws-cdk/core:validateAgainstDefaultRules",
        "aws:cdk:enable-path-metadata",
        "availability-zones:account=123456789012:region=us-east-1",
        "acknowledged-issue-numbers",
        "myOwnValue",
        *SETTING_KEYS,
    ]

    settings = LabSettings.from_context(lambda _key: None, {}, now=NOW, keys=keys)

    assert settings.ttl_hours == DEFAULT_TTL_HOURS


def test_a_handler_folder_named_after_its_lab_is_answered_for_that_lab_alone(tmp_path: Path) -> None:
    mine = tmp_path / "my-labs" / "LabColdStart"
    mine.mkdir(parents=True)
    elsewhere = tmp_path / "mine"
    elsewhere.mkdir()

    with pytest.raises(SettingsError) as named:
        parse_handler_code(str(mine))
    with pytest.raises(SettingsError) as unnamed:
        parse_handler_code(str(elsewhere))

    assert "write one with `labkit exercise LabColdStart`" in str(named.value)
    assert "(or " not in str(named.value)
    assert "(or " in str(unnamed.value)
