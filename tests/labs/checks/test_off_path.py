"""A check off the happy path: a resource deleted by hand, a stack that failed to delete, another owner's
stack, each answered as a failed item with its reason and the command to run, never an exit 2."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from labs.checks.report import Outcome
from labs.ddb_stream.check import check
from labs.function_labs.steps import FunctionLog, LogLine
from labs.launcher import deploys_labs
from labs.leftovers.scan import scan_leftovers
from tests.check_helpers import NOW, FakeClock, deploy, fail_deletion, item, mocked_session, physical_id
from tests.labs.ddb_stream.lab_resources import TAGS, ddb_stream_lab


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    with mocked_session(monkeypatch, **{"lambda": {"use_docker": False}}) as mocked:
        yield mocked


def test_a_writer_deleted_by_hand_is_a_failed_item_with_the_commands_that_rebuild_the_lab(
    session: boto3.Session,
) -> None:
    deploy(session, "LabDdbStream", ddb_stream_lab(), tags=TAGS)
    writer = physical_id(session, "LabDdbStream", "CsvWriterFunction")
    session.client("lambda").delete_function(FunctionName=writer)

    waiter = FakeClock().waiter()
    report = check(session, stack_name="LabDdbStream", on_emulator=False, waiter=waiter, now=NOW)

    function = item(report, "Function")
    assert function.outcome is Outcome.FAIL
    assert f"the stack lists {writer}, but it no longer exists" in function.detail
    assert function.hint == "rebuild the lab: `cdk destroy LabDdbStream`, then `cdk deploy LabDdbStream`"


def test_a_stack_that_failed_to_delete_is_reported_with_its_reason(session: boto3.Session) -> None:
    deploy(session, "LabDdbStream", ddb_stream_lab(), tags=TAGS)
    writer = physical_id(session, "LabDdbStream", "CsvWriterFunction")
    session.client("lambda").delete_function(FunctionName=writer)
    fail_deletion("LabDdbStream", "CsvWriterRole", "AccessDenied: not authorized to perform iam:DeleteRole")

    report = check(session, stack_name="LabDdbStream", on_emulator=False, now=NOW)
    found = {(f.resource_type, f.identifier): f.reason for f in scan_leftovers(session, now=NOW)}

    stack_item = item(report, "Stack deployed")
    assert stack_item.outcome is Outcome.FAIL
    assert "DELETE_FAILED (CsvWriterRole: AccessDenied: not authorized to perform iam:DeleteRole)" in (
        stack_item.detail
    )
    assert found[("AWS::CloudFormation::Stack", "LabDdbStream")].startswith("DELETE_FAILED: CsvWriterRole: ")
    assert ("AWS::Lambda::Function", writer) not in found  # deleted by hand: gone, not "still in stack"
    assert any(kind == "AWS::DynamoDB::Table" for kind, _ in found)  # what is still there is listed


def test_with_other_owners_stacks_the_check_names_them_and_the_owner_to_pass(session: boto3.Session) -> None:
    for owner in ("alice", "bob"):
        deploy(session, f"{owner}-LabDdbStream", ddb_stream_lab(), tags=TAGS)

    report = check(session, stack_name="LabDdbStream", on_emulator=False, now=NOW)

    (stack_item,) = report.items
    assert stack_item.detail.endswith("; it has alice-LabDdbStream, bob-LabDdbStream")
    assert stack_item.hint.endswith("or check one of those: --owner alice or --owner bob")


def test_the_functions_run_is_shown_with_its_duration_unit() -> None:
    report_line = "REPORT RequestId: 8f5e Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 128 MB"
    log = FunctionLog("/aws/lambda/w", ended=LogLine("s", 1, report_line))

    assert log.ended_run == "RequestId: 8f5e Duration: 12.34 ms"


def test_the_sandbox_accounts_warning_is_for_commands_that_deploy_labs() -> None:
    assert not deploys_labs("bootstrap")
    assert not deploys_labs("destroy")
    assert deploys_labs("deploy")
    assert deploys_labs("synth")
    assert deploys_labs(None)  # `python app.py` run by hand
