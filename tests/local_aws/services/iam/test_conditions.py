"""IAM's condition operators as the emulator decides them: AND across operators and keys, OR across a key's
values, a missing key false (a negated operator's true), IfExists and Null about presence."""

from __future__ import annotations

import pytest

from local_aws.services.iam.conditions import condition_holds

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("block", "context", "holds"),
    [
        ({"StringEquals": {"sts:ExternalId": "c1"}}, {"sts:ExternalId": ["c1"]}, True),
        ({"StringEquals": {"sts:ExternalId": "c1"}}, {"sts:ExternalId": ["c2"]}, False),
        ({"StringEquals": {"sts:ExternalId": "c1"}}, {}, False),
        ({"StringEquals": {"k": ["a", "b"]}}, {"k": ["b"]}, True),
        ({"StringLike": {"sts:SourceIdentity": "*"}}, {"sts:SourceIdentity": ["ada"]}, True),
        ({"StringLike": {"sts:SourceIdentity": "*"}}, {}, False),
        ({"StringNotEquals": {"k": "a"}}, {}, True),
        ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": ["b"]}, False),
        ({"StringEqualsIfExists": {"k": "a"}}, {}, True),
        ({"StringEqualsIfExists": {"k": "a"}}, {"k": ["b"]}, False),
        ({"Null": {"sts:ExternalId": "true"}}, {}, True),
        ({"Null": {"sts:ExternalId": "true"}}, {"sts:ExternalId": ["x"]}, False),
        ({"Null": {"k": "false"}}, {"k": ["x"]}, True),
        ({"ArnLike": {"p": "arn:aws:iam::1:role/*"}}, {"p": ["arn:aws:iam::1:role/T"]}, True),
        ({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": ["True"]}, True),
        ({"StringEquals": {"a": "1"}, "StringLike": {"b": "x*"}}, {"a": ["1"], "b": ["y"]}, False),
        ({"StringEquals": {"a": "1", "b": "2"}}, {"a": ["1"], "b": ["2"]}, True),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": ["10.1.1.1"]}, None),
    ],
)
def test_a_condition_block_holds_as_iam_decides(
    block: dict[str, dict[str, object]], context: dict[str, list[str]], holds: bool | None
) -> None:
    assert condition_holds(block, context) is holds
