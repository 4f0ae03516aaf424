"""`labkit class` as a teacher types it: exit codes, the summary last, a bad roster line named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from labs.checks.report import CheckReport
from labs.cli import main
from labs.cost import running
from labs.shared_facts import expires_tag
from tests.check_helpers import AMI, deploy, lab_tags, mocked_session
from tests.synth import Template

QUEUE = {"Queue": {"Type": "AWS::SQS::Queue"}}


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    monkeypatch.setenv("COLUMNS", "200")  # no table wraps a name in captured output
    with mocked_session(monkeypatch) as mocked:
        yield mocked


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.txt"
    path.write_text("alice\nbob\n", encoding="utf-8")
    return path


def last_line(text: str) -> str:
    return text.rstrip().splitlines()[-1]


def test_a_bad_roster_line_stops_every_subcommand_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("owner,name\nalice,Alice\nBob,Bob\n", encoding="utf-8")

    code = main(["class", "status", "--roster", str(path)])

    assert code == 2
    assert (
        f"labkit class: the roster {path} has 1 bad line(s):\n  line 3: owner='Bob'"
        in capsys.readouterr().err
    )


@pytest.mark.parametrize("subcommand", [["status"], ["guard", "--cap", "1"], ["destroy", "--yes"]])
def test_a_region_aws_does_not_have_is_named_in_one_line_before_any_call(
    subcommand: list[str],
    roster: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    typo_line = tmp_path / "typo.txt"
    typo_line.write_text("role=LabkitTeacher\nbob 043075555623 region=us-east-3\n", encoding="utf-8")

    with pytest.raises(SystemExit) as option:
        main(["class", *subcommand, "--roster", str(roster), "--region", "us-east-3"])
    option_err = capsys.readouterr().err
    on_a_line = main(["class", *subcommand, "--roster", str(typo_line)])
    line_err = capsys.readouterr().err
    monkeypatch.setenv("AWS_REGION", "us-easst-1")
    from_environment = main(["class", *subcommand, "--roster", str(roster)])
    environment_err = capsys.readouterr().err

    assert option.value.code == 2
    assert "'us-east-3' is not an AWS region (did you mean us-east-2?)" in option_err
    assert on_a_line == 2
    assert "line 2: region='us-east-3' is not an AWS region (did you mean us-east-2?)" in line_err
    assert from_environment == 2
    assert environment_err.strip().splitlines() == [
        f"labkit class {subcommand[0]}: 'us-easst-1' is not an AWS region (did you mean us-east-1?): "
        "pass --region or set AWS_REGION"
    ]


def test_a_report_path_that_is_a_file_is_refused_before_any_check_runs(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["class", "check", "--roster", str(roster), "--report", str(roster)])
    below_a_file = tmp_path / "roster.txt" / "reports"
    with pytest.raises(SystemExit) as refused_below:
        main(["class", "check", "--roster", str(roster), "--report", str(below_a_file)])
    err = capsys.readouterr().err

    assert refused.value.code == refused_below.value.code == 2
    assert f"{roster} is a file, not a folder: name a folder for the reports" in err
    assert "Traceback" not in err


def test_status_of_a_tidy_class_exits_0_with_the_class_total_last(
    session: boto3.Session, roster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    later = expires_tag(datetime.now(UTC) + timedelta(hours=8))
    deploy(session, "alice-LabDdbStream", QUEUE, tags=lab_tags("LabDdbStream", "alice", expires=later))

    code = main(["class", "status", "--roster", str(roster)])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "alice" in out
    assert "LabDdbStream" in out
    assert "On the roster with nothing deployed (1): bob" in out
    assert last_line(out) == (
        "Class total: $0.0000 so far, $0.0000 projected to expiry (1 lab stacks of 1 of 2 learners); "
        "running now $0.00000/h"
    )


def test_status_looks_in_the_region_aws_region_names_as_cdk_deploy_does(
    session: boto3.Session, roster: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    later = expires_tag(datetime.now(UTC) + timedelta(hours=8))
    deploy(session, "alice-LabDdbStream", QUEUE, tags=lab_tags("LabDdbStream", "alice", expires=later))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_REGION", "us-east-1")

    code = main(["class", "status", "--roster", str(roster)])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "On the roster with nothing deployed (1): bob" in out


def test_status_exits_1_for_an_overdue_stack_or_one_off_the_roster(
    session: boto3.Session, roster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    past = expires_tag(datetime.now(UTC) - timedelta(minutes=5))
    deploy(session, "alice-LabEc2", QUEUE, tags=lab_tags("LabEc2", "alice", expires=past))
    deploy(session, "mallory-LabEc2", QUEUE, tags=lab_tags("LabEc2", "mallory", expires=None))

    code = main(["class", "status", "--roster", str(roster)])

    out = capsys.readouterr().out
    assert code == 1
    assert "OVERDUE: due 5 min ago" in out or "OVERDUE: due 4 min ago" in out
    assert "needs you: alice-LabEc2 is overdue" in out
    assert "needs you: mallory-LabEc2 belongs to no learner on the roster" in out
    assert "Not on the roster: 1 stack(s)" in last_line(out)


def test_check_writes_the_reports_and_exits_0_only_when_everyone_passed(
    session: boto3.Session,
    roster: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def passes(_session: boto3.Session, *, stack_name: str, **_kwargs: Any) -> CheckReport:
        report = CheckReport("LabStepFunction", stack_name)
        report.add("Execution", True, "SUCCEEDED")
        return report

    monkeypatch.setattr("labs.step_function.check.check", passes)
    for owner in ("alice", "bob"):
        deploy(session, f"{owner}-LabStepFunction", QUEUE, tags=lab_tags("LabStepFunction", owner))

    passed = main(["class", "check", "--roster", str(roster), "--report", str(tmp_path / "all")])
    everyone = capsys.readouterr().out
    short = main(["class", "check", "--roster", str(roster), "LabEc2", "--report", str(tmp_path / "ec2")])
    nobody = capsys.readouterr().out

    assert passed == 0
    assert last_line(everyone) == "2 passed of 2"
    assert sorted(path.name for path in (tmp_path / "all").iterdir()) == [
        "gradescope",
        "report.csv",
        "report.html",
        "report.md",
        "report.xml",
    ]
    assert short == 1
    assert last_line(nobody) == "2 not deployed of 2"


def test_destroy_asks_first_and_refuses_when_nobody_can_answer(
    session: boto3.Session, roster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy(session, "alice-LabEc2", QUEUE, tags=lab_tags("LabEc2", "alice"))
    deploy(session, "mallory-LabEc2", QUEUE, tags=lab_tags("LabEc2", "mallory"))

    refused = main(["class", "destroy", "--roster", str(roster)])
    assert "pass --yes" in capsys.readouterr().err
    destroyed = main(["class", "destroy", "--roster", str(roster), "--yes"])

    out = capsys.readouterr().out
    assert refused == 2
    assert destroyed == 0, out
    assert "alice-LabEc2" in out
    assert "deleted" in out
    assert last_line(out) == "1 lab stack(s) deleted; nothing left behind by 2 learners"
    stacks = session.client("cloudformation").describe_stacks()["Stacks"]
    assert [s["StackName"] for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"] == ["mallory-LabEc2"]


def test_preflight_adds_up_the_labs_for_every_learner_and_names_each_increase(
    session: boto3.Session,
    templates: dict[str, Template],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("labs.cost.synth.synthesize_kit", lambda _settings, only=(): templates)
    monkeypatch.setenv("COLUMNS", "400")
    roster = tmp_path / "thirty.txt"
    roster.write_text("\n".join(f"learner-{n:02d}" for n in range(30)), encoding="utf-8")

    code = main(["class", "preflight", "--roster", str(roster), "LabEc2", "LabAsg", "--region", "us-east-1"])

    out = capsys.readouterr().out
    assert code == 1
    assert out.count("region us-east-1 is enabled and allowed") == 1  # once, though two labs need it
    assert "t4g.nano offered in LabEc2's zones" in out
    assert "t4g.nano offered in LabAsg's zones" in out
    # each learner: LabEc2's instance (2 vCPUs) and LabAsg's two (4, 8 at the group's maximum)
    assert "180 needed (30 learners × 6)" in out
    assert "--quota-code L-1216C47A --desired-value 300" in out
    assert "--quota-code L-0263D0A3 --desired-value 30" in out
    assert "--quota-code L-F678F1CE --desired-value 61" in out  # the account's default VPC counts too
    # the summary names every blocker, last, after a table of the blockers with their fixes
    blockers = [line.rstrip() for line in out.splitlines() if line.startswith("Blockers: ")]
    assert blockers == ["Blockers: 6, fix them before the class deploys"]
    assert last_line(out).startswith("6 blocker(s): CDK bootstrap (qualifier hnb659fds, stack CDKToolkit); ")
    assert last_line(out).endswith(
        "quota On-Demand standard vCPUs (ec2 L-1216C47A); quota VPCs (vpc L-F678F1CE); "
        "quota Internet gateways (vpc L-A4707A72)"
    )
    after_table = out.split("Blockers: 6", 1)[1]
    assert "--quota-code L-1216C47A --desired-value 300" in after_table  # each blocker's fix, again


INSTANCE = {
    "Machine": {
        "Type": "AWS::EC2::Instance",
        "Properties": {"ImageId": AMI, "InstanceType": "t4g.nano"},
    }
}


def test_the_guard_flags_a_learner_over_the_cap_and_enforce_removes_their_stack_verified(
    session: boto3.Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    deploy(session, "alice-LabEc2", INSTANCE, tags=lab_tags("LabEc2", "alice"))
    deploy(session, "bob-LabDdbStream", QUEUE, tags=lab_tags("LabDdbStream", "bob"))
    path = tmp_path / "roster.txt"
    path.write_text("alice cap=0.001\nbob\n", encoding="utf-8")

    # an account with one region enabled: the scan of every enabled region has tests of its own
    monkeypatch.setattr(running, "enabled_regions", lambda session: (["us-east-1"], None))
    uncapped = main(["class", "guard", "--roster", str(tmp_path / "roster.txt"), "--cap", "5"])
    relaxed = capsys.readouterr().out
    flagged = main(["class", "guard", "--roster", str(path)])
    flagged_out = capsys.readouterr().out
    enforced = main(["class", "guard", "--roster", str(path), "--enforce", "--timeout", "30"])
    enforced_out = capsys.readouterr().out

    assert uncapped == 1  # the roster's own cap=0.001 for alice wins over --cap
    assert "Over their cap: 1 learner(s)" in relaxed
    assert flagged == 1
    assert "t4g.nano instance with a public IPv4 (stack alice-LabEc2, us-east-1" in flagged_out, flagged_out
    assert last_line(flagged_out).startswith("1 learner(s) over their cap")
    assert enforced == 0, enforced_out
    assert last_line(enforced_out) == (
        "1 learner(s) brought under their cap, 0 overdue stack(s) deleted, verified: "
        "nothing of their stacks runs"
    )
    stacks = session.client("cloudformation").describe_stacks()["Stacks"]
    assert {s["StackName"] for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"} == {"bob-LabDdbStream"}


def test_the_guard_needs_a_cap(
    session: boto3.Session, roster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["class", "guard", "--roster", str(roster)]) == 2
    assert "no learner has a cap: pass --cap USD or write cap= in the roster" in capsys.readouterr().err


def test_destroy_names_what_still_bills_that_no_lab_stack_made_with_the_way_to_stop_it(
    session: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from labs.classroom.accounts import assume_role_session
    from labs.classroom.roster import Placement
    from labs.deployed.shared_session import SharedSession

    alice_role = "arn:aws:iam::111111111111:role/LabkitTeacher"
    alice = assume_role_session(SharedSession(region_name="us-east-1"))(
        Placement(role=alice_role, region="us-east-1"), "labkit-test"
    )
    deploy(alice, "alice-LabDdbStream", QUEUE, tags=lab_tags("LabDdbStream", "alice"))
    by_hand = alice.client("ec2").run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    instance = by_hand["Instances"][0]["InstanceId"]
    path = tmp_path / "roster.txt"
    path.write_text("alice 111111111111 role=LabkitTeacher  # her own sandbox\n", encoding="utf-8")

    code = main(["class", "destroy", "--roster", str(path), "--yes"])

    out = capsys.readouterr().out
    assert code == 1, out
    row = next(line for line in out.splitlines() if instance in line)
    assert "alice" in row
    assert "t3.micro instance" in row
    assert f"aws ec2 terminate-instances --instance-ids {instance} --region us-east-1" in out
    assert "goes with " + instance in out  # its root volume
    assert "2 learner resource(s) no lab stack made still bill $0.0" in out  # the instance and its volume
    assert "nothing left behind" not in out
    running = alice.client("ec2").describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"]
    assert running[0]["State"]["Name"] == "running"  # the teacher's destroy never deletes it


def test_destroy_names_the_way_out_of_a_stack_whose_delete_fails_on_what_blocks_it(
    session: boto3.Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from moto.cloudformation.models import CloudFormationBackend

    from tests.check_helpers import fail_deletion, physical_id

    resources = {
        "CsvWriterOutputEmptyOnDeleteD9D1BE2C": {"Type": "AWS::SQS::Queue"},
        "CsvWriterOutput": {"Type": "AWS::S3::Bucket"},
    }
    deploy(session, "carol-LabDdbStream", resources, tags=lab_tags("LabDdbStream", "carol"))
    bucket = physical_id(session, "carol-LabDdbStream", "CsvWriterOutput")
    session.client("s3").put_object(Bucket=bucket, Key="a.csv", Body=b"x")
    function = "arn:aws:lambda:us-east-1:123456789012:function:carol-LabDdbStream-CustomEmptyBucketOnDeleteFn"
    reason = f"UnknownFunctionException: Function not found: {function}"

    def refuse(backend: CloudFormationBackend, _name_or_id: str) -> None:
        # the bucket cleaner's function is gone: its custom resource fails every delete again
        fail_deletion(
            "carol-LabDdbStream",
            "CsvWriterOutputEmptyOnDeleteD9D1BE2C",
            reason,
            resource_type="Custom::EmptyBucketOnDelete",
        )

    monkeypatch.setattr(CloudFormationBackend, "delete_stack", refuse)
    monkeypatch.setenv("COLUMNS", "80")  # a teacher's terminal: the reason is folded, never cut
    path = tmp_path / "c.txt"
    path.write_text("carol\n", encoding="utf-8")

    code = main(["class", "destroy", "--roster", str(path), "--yes"])

    out = capsys.readouterr().out
    assert code == 1, out
    table = out[out.index("Deletions") : out.index("carol-LabDdbStream (account")]
    assert "…" not in table
    result = "".join(line.split("│")[4] for line in table.splitlines() if line.count("│") == 6)
    assert f"DELETE_FAILED:CsvWriterOutputEmptyOnDeleteD9D1BE2C:{reason}".replace(" ", "") in "".join(
        result.split()
    )
    command = (
        "aws cloudformation delete-stack --stack-name carol-LabDdbStream "
        "--retain-resources CsvWriterOutputEmptyOnDeleteD9D1BE2C CsvWriterOutput"
    )
    way_out = next(line for line in out.splitlines() if line.startswith("carol-LabDdbStream (account"))
    assert f"Way out: {command} (the stack goes; left behind: " in way_out  # one line: pasted whole
    assert f"bucket {bucket} with 1 object(s), billed until `aws s3 rb s3://{bucket} --force`" in way_out
    verdict = " ".join(out[out.index("1 deletion(s) failed") :].split())
    assert "run the way out shown for the 1 stack(s) DELETE_FAILED on what blocks them" in verdict


def test_a_cap_of_inf_on_the_command_line_is_refused(
    roster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["class", "guard", "--roster", str(roster), "--cap", "inf"])

    assert refused.value.code == 2
    assert "'inf' is not a spend in USD per hour" in capsys.readouterr().err
