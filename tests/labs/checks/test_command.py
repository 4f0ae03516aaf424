"""`labkit check` as a learner types it: the owner's stack, exit codes, options a lab declares."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from labs.checks.report import CheckReport
from labs.cli import main
from labs.deployed.session import new_session
from labs.registry import run_check
from labs.settings import owner_from_cdk_json
from tests.check_helpers import deploy, lab_tags, mocked_session


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    with pytest.MonkeyPatch.context() as monkeypatch, mocked_session(monkeypatch) as mocked:
        yield mocked


def test_labkit_check_names_the_owners_stack_and_exits_1_when_it_is_missing(
    session: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "LabDdbStream", "--owner", "alice"])

    out = capsys.readouterr().out
    assert code == 1
    assert "stack alice-LabDdbStream" in out
    assert "cdk deploy LabDdbStream -c owner=alice" in out


def test_labkit_check_exits_0_when_the_lab_passes(
    session: boto3.Session, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABKIT_EMULATOR", "1")  # no schedule in the mocked stack: only not verifiable
    deploy(
        session,
        "cli-LabStepFunction",
        {"Bucket": {"Type": "AWS::S3::Bucket"}},
        tags=lab_tags("LabStepFunction"),
    )
    passing = CheckReport("LabStepFunction", "cli-LabStepFunction")
    passing.add("Execution", True, "SUCCEEDED")
    calls: list[dict[str, Any]] = []

    def fake_check(_session: boto3.Session, **kwargs: Any) -> CheckReport:
        calls.append(kwargs)
        return passing

    monkeypatch.setattr("labs.step_function.check.check", fake_check)

    code = main(["check", "LabStepFunction", "--owner", "cli", "--timeout", "7"])

    assert code == 0
    assert "PASSED" in capsys.readouterr().out
    assert calls[0]["stack_name"] == "cli-LabStepFunction"
    assert calls[0]["on_emulator"] is True
    assert calls[0]["waiter"].timeout_s == 7


def test_self_heal_is_refused_for_labs_other_than_the_asg(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "LabEc2", "--self-heal"]) == 2
    assert "--self-heal applies to LabAsg only" in capsys.readouterr().err
    with pytest.raises(ValueError, match="LabAsg only"):
        run_check(
            "LabEc2",
            session=new_session(region_name="us-east-1"),
            stack_name="LabEc2",
            on_emulator=True,
            options={"self_heal": True},
        )


def test_the_owner_defaults_to_cdk_json(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "x", "context": {"owner": "bob"}}))

    assert owner_from_cdk_json(tmp_path) == "bob"
    assert owner_from_cdk_json(tmp_path / "nowhere") is None


def test_labkit_check_stack_checks_a_learners_own_stack_by_name(
    session: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "LabEc2", "--stack", "alice-MyLabEc2"])

    out = capsys.readouterr().out
    assert code == 1
    assert "stack alice-MyLabEc2" in out
    assert "cdk deploy MyLabEc2 -c owner=alice" in out


def test_labkit_check_of_another_labs_stack_names_the_lab_it_is(
    session: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy(session, "LabBatch", {"Queue": {"Type": "AWS::SQS::Queue"}}, tags=lab_tags("LabBatch", "unset"))

    code = main(["check", "LabEfs", "--stack", "LabBatch"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.strip() == (
        "labkit: LabBatch is a LabBatch stack (its labkit:lab tag), not LabEfs's: "
        "labkit check LabBatch --stack LabBatch"
    )
    assert captured.out == ""  # no item graded against another lab's resources


def test_labkit_check_refuses_a_stack_and_an_owner_together(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "LabEc2", "--stack", "MyLabEc2", "--owner", "alice"]) == 2
    assert "--stack (the whole stack name) or --owner, not both" in capsys.readouterr().err


def test_labkit_check_looks_in_the_region_aws_region_names_as_cdk_deploy_does(
    session: boto3.Session, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS_REGION alone (CloudShell sets it): the CDK CLI deploys there, so the check must look there."""
    new_session(region_name="eu-west-1").client("cloudformation").create_stack(
        StackName="west-LabStepFunction",
        TemplateBody=json.dumps({"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}),
    )
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")

    assert main(["check", "LabStepFunction", "--owner", "nobody"]) == 1
    assert "no stack named nobody-LabStepFunction in eu-west-1" in capsys.readouterr().out

    # and before AWS_DEFAULT_REGION, as the CDK CLI and the AWS CLI v2 read them
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    main(["check", "LabStepFunction", "--owner", "west"])
    assert "west-LabStepFunction is CREATE_COMPLETE" in capsys.readouterr().out


def test_a_misspelt_option_is_named_by_the_command_with_the_nearest_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["check", "LabBatch", "--submt"])

    err = capsys.readouterr().err
    assert refused.value.code == 2
    assert err.startswith("usage: labkit check ")
    assert err.strip().splitlines()[-1] == (
        "labkit check: error: unrecognized arguments: --submt (did you mean --submit?)"
    )
