"""Preflight counts CloudWatch Logs resource policies against their limit, 10 per region and account, not
adjustable: a lab that writes one per stack stops the 11th learner of a shared account (as LabSpot's did)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from labs.preflight.log_policies import LOG_RESOURCE_POLICY_LIMIT, log_policy_line
from labs.preflight.results import FAIL, OK
from tests.check_helpers import mocked_session
from tests.synth import Template

# a learner's LabSpot as the kit's was: the rule's log group target needs an account-level policy per stack
PER_STACK_POLICY: Template = {
    "Resources": {
        "EventsMayWrite": {
            "Type": "AWS::Logs::ResourcePolicy",
            "Properties": {"PolicyName": "x", "PolicyDocument": "{}"},
        }
    }
}


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mocked_session(monkeypatch) as session:
        yield session.client("logs")


def policies(logs: Any, count: int) -> None:
    for n in range(count):
        logs.put_resource_policy(policyName=f"someone-{n}", policyDocument=json.dumps({"Statement": []}))


def test_a_lab_with_a_policy_per_stack_blocks_the_eleventh_learner(logs: Any) -> None:
    ten = log_policy_line(logs, labs=["LabSpot"], templates=[PER_STACK_POLICY], learners=10)
    eleven = log_policy_line(logs, labs=["LabSpot"], templates=[PER_STACK_POLICY], learners=11)

    assert ten is not None
    assert ten.status == OK
    assert eleven is not None
    assert eleven.status == FAIL
    assert eleven.detail.startswith("0 in the account + 11 needed (11 learner(s) × 1) = 11 of 10")
    assert "cannot be raised" in eleven.fix


def test_the_policies_already_in_the_account_count(logs: Any) -> None:
    policies(logs, LOG_RESOURCE_POLICY_LIMIT - 1)

    line = log_policy_line(logs, labs=["LabSpot"], templates=[PER_STACK_POLICY], learners=2)

    assert line is not None
    assert (line.status, line.detail.split(":")[0]) == (
        FAIL,
        "9 in the account + 2 needed (2 learner(s) × 1) = 11 of 10",
    )


def test_the_kits_labspot_adds_no_policy_and_gets_no_line(logs: Any, templates: dict[str, Template]) -> None:
    assert log_policy_line(logs, labs=["LabSpot"], templates=[templates["LabSpot"]], learners=30) is None


def test_log_delivery_needs_one_policy_once_for_the_whole_class_when_absent(
    logs: Any, templates: dict[str, Template]
) -> None:
    absent = log_policy_line(
        logs, labs=["LabStepFunction"], templates=[templates["LabStepFunction"]], learners=30
    )
    policies(logs, LOG_RESOURCE_POLICY_LIMIT)
    full = log_policy_line(
        logs, labs=["LabStepFunction"], templates=[templates["LabStepFunction"]], learners=30
    )

    assert absent is not None
    assert (absent.status, absent.detail) == (
        OK,
        "0 in the account + 1 needed (30 learner(s) × 0 + 1 for LabStepFunction's log delivery, once) "
        "= 1 of 10",
    )
    assert full is not None
    assert full.status == FAIL


def test_labkit_preflight_shows_the_line_for_n_learners(
    monkeypatch: pytest.MonkeyPatch, templates: dict[str, Template]
) -> None:
    from labs.deployed.bootstrap import Bootstrap
    from labs.preflight.command import preflight_lines

    with mocked_session(monkeypatch) as session:
        lines = preflight_lines(
            session,
            lab_id="LabSpot",
            template={
                **templates["LabSpot"],
                "Resources": {**templates["LabSpot"]["Resources"], **PER_STACK_POLICY["Resources"]},
            },
            region="us-east-1",
            learners=30,
            bootstrap=Bootstrap(),
            boundary=None,
            zone=None,
        )

    (line,) = [line for line in lines if line.check.startswith("CloudWatch Logs resource policies")]
    assert line.status == FAIL
    assert "30 needed (30 learner(s) × 1)" in line.detail
