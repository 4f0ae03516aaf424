"""A landing zone's settings (permissionsBoundary, classTags) are parsed strictly, with AWS's own rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from labs.settings import (
    MAX_CLASS_TAGS,
    LabSettings,
    SettingsError,
    parse_class_tags,
    parse_permissions_boundary,
)


def test_both_default_to_off() -> None:
    settings = LabSettings.from_context({}.get, {}, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert settings.permissions_boundary is None
    assert settings.class_tags == ()


@pytest.mark.parametrize(
    "boundary",
    [
        "LabBoundary",
        "lz-boundary_v2.1",
        "arn:aws:iam::111111111111:policy/LabBoundary",
        "arn:aws:iam::111111111111:policy/lz/team/LabBoundary",
    ],
)
def test_a_boundary_is_a_policy_name_or_arn(boundary: str) -> None:
    assert parse_permissions_boundary(f" {boundary} ") == boundary


@pytest.mark.parametrize(
    "boundary", ["Lab Boundary", "arn:aws:iam::1111:policy/LabBoundary", "arn:aws:iam::111111111111:role/Lab"]
)
def test_anything_else_names_the_key_and_an_example(boundary: str) -> None:
    with pytest.raises(SettingsError, match=r"permissionsBoundary=.*-c permissionsBoundary=LabBoundary"):
        parse_permissions_boundary(boundary)


def test_class_tags_come_as_cli_pairs_a_json_object_or_cdk_json_object() -> None:
    expected = (("CostCenter", "4711"), ("Course", "cs101 autumn"))
    assert parse_class_tags("CostCenter=4711, Course=cs101 autumn") == expected
    assert parse_class_tags('{"CostCenter": "4711", "Course": "cs101 autumn"}') == expected
    assert parse_class_tags({"CostCenter": 4711, "Course": "cs101 autumn"}) == expected
    assert parse_class_tags({"Empty": None}) == (("Empty", ""),)
    assert parse_class_tags("") == ()


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("CostCenter", "has no '='"),
        ("=4711", "AWS tag keys are 1-128"),
        ("Cost#Center=1", "AWS tag keys are 1-128"),
        ("CostCenter=47;11", "AWS tag values are 0-256"),
        ({"k" * 129: "v"}, "AWS tag keys are 1-128"),
        ({"CostCenter": "v" * 257}, "AWS tag values are 0-256"),
        ("aws:cloudformation:stack-name=x", "the aws: prefix is reserved"),
        ("labkit:owner=bob", "the kit's own tag"),
        ("Name=lab", "the kit's own tag"),
        ("A=1,A=2", "names a key twice: A"),
        ('{"A": ', "not a JSON object"),
        (["A=1"], "must be an object of tags"),
        ({f"k{i}": "v" for i in range(MAX_CLASS_TAGS + 1)}, "at most 50"),
    ],
)
def test_a_tag_aws_would_refuse_stops_synth_with_the_rule(value: object, says: str) -> None:
    with pytest.raises(SettingsError, match="classTags") as error:
        parse_class_tags(value)
    assert says in str(error.value)


def test_unicode_letters_are_valid_tag_characters() -> None:
    assert parse_class_tags({"Kurs": "Übung 1 @ Zürich"}) == (("Kurs", "Übung 1 @ Zürich"),)
