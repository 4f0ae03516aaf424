"""What every `labkit check` shares: dispatch, the command line, the expiry item, waiting and rendering."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from rich.console import Console

from labs import lab_checks
from labs.asg import check as asg_check
from labs.checking import CheckReport, Outcome
from labs.cli import main
from labs.console import print_report
from labs.lab_checks import Waited, Waiter, add_expiry_item, owner_from_cdk_json, run_check
from labs.stack_resources import (
    SCHEDULE_TYPE,
    TAG_EXPIRES,
    TAG_LAB,
    TAG_OWNER,
    LabStack,
    StackResource,
    describe_remaining,
)
from labs.step_function import check as step_function_check
from tests.checks import NOW, FakeClock, deploy, item, lab_tags, mocked_session

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def session() -> Iterator[boto3.Session]:
    with pytest.MonkeyPatch.context() as monkeypatch, mocked_session(monkeypatch) as mocked:
        yield mocked


STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/LabEc2/x"
ROLE = "delete-lab"


def expiry_role(session: boto3.Session, name: str = ROLE, *, resource: str = STACK_ID) -> None:
    """The stack's expiry role as the lab creates it: DeleteStack on one stack, nothing more."""
    iam = session.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "cloudformation:DeleteStack", "Resource": resource}],
    }
    iam.put_role_policy(RoleName=name, PolicyName="DefaultPolicy", PolicyDocument=json.dumps(policy))


def schedule(
    session: boto3.Session,
    name: str,
    *,
    at: str = "2030-01-01T08:00:00",
    state: Any = "ENABLED",
    stack_id: str = STACK_ID,
    role: str = ROLE,
) -> None:
    session.client("scheduler").create_schedule(
        Name=name,
        ScheduleExpression=f"at({at})",
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        State=state,
        Target={
            "Arn": "arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack",
            "RoleArn": f"arn:aws:iam::123456789012:role/{role}",
            "Input": json.dumps({"StackName": stack_id}),
        },
    )


def lab_stack(schedule_name: str | None, tags: dict[str, str] | None = None, role: str = ROLE) -> LabStack:
    resources = (
        (
            StackResource("ExpirySchedule", SCHEDULE_TYPE, schedule_name, "CREATE_COMPLETE"),
            StackResource("ExpiryDeleteStackRole", "AWS::IAM::Role", role, "CREATE_COMPLETE"),
        )
        if schedule_name
        else ()
    )
    return LabStack(
        name="LabEc2",
        stack_id=STACK_ID,
        status="CREATE_COMPLETE",
        tags={TAG_EXPIRES: "2030-01-01T08:00Z"} if tags is None else tags,
        resources=resources,
    )


def expiry_report(
    session: boto3.Session, stack: LabStack, *, on_emulator: bool = False, hours: float = 0
) -> CheckReport:
    report = CheckReport("LabEc2", stack.name)
    add_expiry_item(report, session, stack, on_emulator=on_emulator, now=NOW + timedelta(hours=hours))
    return report


@pytest.fixture(scope="module", autouse=True)
def _expiry_role(session: boto3.Session) -> None:
    expiry_role(session)


def test_an_enabled_schedule_shows_when_the_lab_deletes_itself(session: boto3.Session) -> None:
    schedule(session, "LabEc2-Expiry-ok")

    report = expiry_report(session, lab_stack("LabEc2-Expiry-ok"))

    expiry = item(report, "Auto-expiry")
    assert expiry.outcome is Outcome.PASS
    assert "deletes this stack, with a role allowed nothing else, at 2030-01-01 08:00 UTC (in 8 h 0 min)" in (
        expiry.detail
    )


def test_a_schedule_that_would_delete_another_stack_fails(session: boto3.Session) -> None:
    other = "arn:aws:cloudformation:us-east-1:123456789012:stack/bob-LabEc2/y"
    schedule(session, "LabEc2-Expiry-other", stack_id=other)

    expiry = item(expiry_report(session, lab_stack("LabEc2-Expiry-other")), "Auto-expiry")

    assert expiry.outcome is Outcome.FAIL
    assert f"its input names stack {other!r}, not this one" in expiry.detail


def test_a_schedule_whose_role_may_do_more_fails(session: boto3.Session) -> None:
    expiry_role(session, "delete-anything", resource="*")
    schedule(session, "LabEc2-Expiry-broad", role="delete-anything")

    report = expiry_report(session, lab_stack("LabEc2-Expiry-broad", role="delete-anything"))

    expiry = item(report, "Auto-expiry")
    assert expiry.outcome is Outcome.FAIL
    assert "its role delete-anything may do more than delete this stack" in expiry.detail


def test_a_schedule_running_as_a_foreign_role_fails(session: boto3.Session) -> None:
    schedule(session, "LabEc2-Expiry-foreign", role="someone-elses")

    expiry = item(expiry_report(session, lab_stack("LabEc2-Expiry-foreign")), "Auto-expiry")

    assert expiry.outcome is Outcome.FAIL
    assert "runs as role 'someone-elses', which this stack did not create" in expiry.detail


def test_a_lab_still_there_after_its_expiry_fails(session: boto3.Session) -> None:
    schedule(session, "LabEc2-Expiry-late")

    report = expiry_report(session, lab_stack("LabEc2-Expiry-late"), hours=9)

    expiry = item(report, "Auto-expiry")
    assert expiry.outcome is Outcome.FAIL
    assert "was due at 2030-01-01 08:00 UTC but the stack still exists" in expiry.detail
    assert "cdk destroy LabEc2" in expiry.hint


def test_a_disabled_schedule_fails(session: boto3.Session) -> None:
    schedule(session, "LabEc2-Expiry-off", state="DISABLED")

    report = expiry_report(session, lab_stack("LabEc2-Expiry-off"))

    assert item(report, "Auto-expiry").outcome is Outcome.FAIL
    assert "DISABLED, so the lab will not delete itself" in item(report, "Auto-expiry").detail


def test_a_missing_schedule_fails_on_aws_and_shows_the_tagged_time_on_the_emulator(
    session: boto3.Session,
) -> None:
    on_aws = expiry_report(session, lab_stack("LabEc2-Expiry-gone"))
    on_emulator = expiry_report(session, lab_stack("LabEc2-Expiry-gone"), on_emulator=True)

    assert item(on_aws, "Auto-expiry").outcome is Outcome.FAIL
    assert "ResourceNotFoundException" in item(on_aws, "Auto-expiry").detail
    assert item(on_emulator, "Auto-expiry").outcome is Outcome.NOT_VERIFIABLE
    assert (
        "expires at 2030-01-01 08:00 UTC (in 8 h 0 min) per the stack tags"
        in item(on_emulator, "Auto-expiry").detail
    )


def test_without_stack_tags_the_expiry_comes_from_the_template(session: boto3.Session) -> None:
    resources = {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": lab_tags("LabEc2")}}}
    deploy(session, "templated-LabEc2", resources)  # no stack-level tags, as the emulator shows them

    report, stack = lab_checks.begin_report("LabEc2", session, "templated-LabEc2", on_emulator=True, now=NOW)

    assert stack is not None
    assert "in 8 h 0 min) per the template tags" in item(report, "Auto-expiry").detail


def test_a_lab_deployed_without_expiry_says_so(session: boto3.Session) -> None:
    tags = lab_tags("LabEc2", expires=None)
    deploy(
        session,
        "forever-LabEc2",
        {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": tags}}},
        tags=tags,
    )

    report, _stack = lab_checks.begin_report("LabEc2", session, "forever-LabEc2", on_emulator=False, now=NOW)

    assert [i.name for i in report.items] == ["Stack deployed"]
    assert report.notes == [
        "This lab never expires (deployed with ttlHours=0): `cdk destroy LabEc2` when done."
    ]


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=7, minutes=58), "in 7 h 58 min"),
        (timedelta(minutes=5), "in 5 min"),
        (timedelta(days=3, hours=4), "in 3 d 4 h"),
        (-timedelta(minutes=12), "12 min ago"),
    ],
)
def test_remaining_time_reads_naturally(delta: timedelta, text: str) -> None:
    assert describe_remaining(NOW + delta, NOW) == text


def test_the_waiter_returns_the_first_value_and_reports_progress() -> None:
    answers = iter([None, None, "ready"])
    seen: list[tuple[str, float]] = []
    clock = FakeClock()
    waiter = Waiter(timeout_s=60, poll_s=5, sleep=clock.sleep, clock=lambda: clock.now)
    waiter.progress = lambda _what, _timeout: _Recorder(seen)

    waited = waiter.until(lambda: (next(answers), f"poll at {clock.now:.0f}"), what="waiting")

    assert (waited.value, waited.elapsed_s) == ("ready", 10)
    assert seen == [("poll at 0", 0), ("poll at 5", 5), ("poll at 10", 10)]


def test_the_waiter_stops_exactly_at_its_time_limit() -> None:
    clock = FakeClock()

    waited: Waited[str] = clock.waiter(timeout_s=12, poll_s=5).until(
        lambda: (None, "still nothing"), what="waiting"
    )

    assert (waited.value, waited.status, waited.elapsed_s) == (None, "still nothing", 12)


class _Recorder:
    def __init__(self, seen: list[tuple[str, float]]) -> None:
        self.seen = seen

    def __enter__(self) -> Any:
        return lambda status, elapsed: self.seen.append((status, elapsed))

    def __exit__(self, *_exc: object) -> None:
        return None


def rendered(report: CheckReport) -> str:
    console = Console(record=True, width=200)
    print_report(report, console)
    return console.export_text()


def test_the_report_shows_each_outcome_its_reason_and_the_hint_of_a_failure() -> None:
    report = CheckReport("LabEc2", "alice-LabEc2")
    report.add("Instance running", True, "i-1 is running")
    report.add(
        "Elastic IP associated", False, "203.0.113.9 is not associated", hint="aws ec2 associate-address"
    )
    report.not_verifiable("Elastic IP answers ping", "ICMP seems blocked")
    report.notes.append("ran in-process")

    text = rendered(report)

    assert "LabEc2 · stack alice-LabEc2" in text
    assert "✔ Instance running — i-1 is running" in text
    assert "✘ Elastic IP associated — 203.0.113.9 is not associated" in text
    assert "hint: aws ec2 associate-address" in text
    assert "– Elastic IP answers ping (not verifiable here) — ICMP seems blocked" in text
    assert "• ran in-process" in text
    assert "FAILED (1 passed, 1 failed, 1 not verifiable here)" in text


def test_a_report_with_nothing_verified_is_not_a_pass() -> None:
    report = CheckReport("LabStepFunction", "LabStepFunction")
    report.not_verifiable("Execution", "the emulator cannot run it")

    assert "NOT VERIFIED" in rendered(report)
    assert not report.passed


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

    monkeypatch.setattr(step_function_check, "check", fake_check)

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
            session=boto3.Session(region_name="us-east-1"),
            stack_name="LabEc2",
            on_emulator=True,
            self_heal=True,
        )


def test_the_owner_defaults_to_cdk_json(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "x", "context": {"owner": "bob"}}))

    assert owner_from_cdk_json(tmp_path) == "bob"
    assert owner_from_cdk_json(tmp_path / "nowhere") is None


def module_constants(path: Path) -> dict[str, Any]:
    """Top-level literal constants of a module, read without importing it (the stacks load the CDK)."""
    constants: dict[str, Any] = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            target = node.targets[0]
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            names = [getattr(element, "id", "") for element in elements]
            values = value if isinstance(target, ast.Tuple) else (value,)
            constants.update(zip(names, values, strict=True))
    return constants


def test_the_checks_expect_what_the_stacks_build() -> None:
    asg = module_constants(ROOT / "labs/asg/stack.py")
    step_function = module_constants(ROOT / "labs/step_function/stack.py")
    lab_stack_tags = module_constants(ROOT / "labs/common/lab_stack.py")

    assert (
        asg["MIN_CAPACITY"],
        asg["DESIRED_CAPACITY"],
        asg["MAX_CAPACITY"],
    ) == (asg_check.MIN_CAPACITY, asg_check.DESIRED_CAPACITY, asg_check.MAX_CAPACITY)
    assert step_function["WAIT_SECONDS"] == step_function_check.WAIT_SECONDS
    sample = step_function["SAMPLE_INPUT"]
    assert step_function_check.sample_input(sample["userId"]) == sample
    assert (
        lab_stack_tags["TAG_LAB"],
        lab_stack_tags["TAG_OWNER"],
        lab_stack_tags["TAG_EXPIRES"],
    ) == (TAG_LAB, TAG_OWNER, TAG_EXPIRES)
