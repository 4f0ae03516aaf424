"""The spend guard fails closed, as a teacher runs it: what it cannot price counts as over the cap unless
exempted, over means strictly over, a cap of $0 with --enforce is refused, overdue stacks are deleted, an
expiry that ended DELETE_FAILED is named with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from labs.classroom.rehearsal import TEACHER_ROLE, create_admin_role, learner_env
from labs.classroom.spend import LearnerSpend, PricedResource
from labs.cli import main
from labs.cost import running as running_scan
from labs.cost.items import RunningResource
from labs.deployed.session import new_session
from labs.shared_facts import expires_tag
from tests.check_helpers import ACCOUNT, AMI, deploy, fail_deletion, lab_tags, mocked_session

QUEUE = {"Queue": {"Type": "AWS::SQS::Queue"}}
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
# accounts with two regions enabled: tests/labs/cost/test_running.py proves the scan of every enabled region
ENABLED = ["ap-southeast-2", "us-east-1"]


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    monkeypatch.setenv("COLUMNS", "250")  # no table wraps a name in captured output
    monkeypatch.setattr(running_scan, "enabled_regions", lambda _session: (ENABLED, None))
    with mocked_session(monkeypatch) as mocked:
        yield mocked


LEARNER_ACCOUNT = "111111111111"


def learner_account(session: boto3.Session, roster: Path, *, cap: float) -> boto3.Session:
    """A learner in an account of their own, reached through the teacher's role: their session."""
    # an administrator role the teacher's account may assume (a sandbox's); not the teacher-access stack
    role = create_admin_role(session, LEARNER_ACCOUNT, trusted_account=ACCOUNT, role=TEACHER_ROLE)
    roster.write_text(f"alice {LEARNER_ACCOUNT} role={TEACHER_ROLE} cap={cap}\n", encoding="utf-8")
    env = learner_env(session, role, {})
    return new_session(
        region_name="us-east-1",
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
    )


def guard(roster: Path, *args: str) -> list[str]:
    return ["class", "guard", "--roster", str(roster), *args]


def last_line(text: str) -> str:
    return text.rstrip().splitlines()[-1]


def spend(
    *resources: RunningResource, cap: float | None, exempt: frozenset[str] = frozenset()
) -> LearnerSpend:
    return LearnerSpend(
        owner="alice",
        where="111111111111 us-east-1",
        resources=tuple(PricedResource(resource=r, origin="made by hand") for r in resources),
        cap_usd_per_hour=cap,
        first_deployed=None,
        now=NOW,
        exempt=exempt,
    )


def running(identifier: str, usd: float | None, **tags: str) -> RunningResource:
    return RunningResource(
        resource_type="AWS::EC2::Volume",
        identifier=identifier,
        what="volume",
        usd_per_hour=usd,
        since=None,
        tags=tags,
    )


def test_what_cannot_be_priced_counts_as_over_the_cap_unless_exempted_by_id_or_name() -> None:
    unpriced = running("vol-1", None, Name="render-scratch")

    assert spend(unpriced, cap=100.0).over_cap
    assert not spend(unpriced, cap=100.0, exempt=frozenset({"vol-1"})).over_cap
    assert not spend(unpriced, cap=100.0, exempt=frozenset({"render-scratch"})).over_cap
    assert spend(unpriced, cap=100.0, exempt=frozenset({"render-scratch"})).exempted[0].resource is unpriced


def test_over_the_cap_means_strictly_over() -> None:
    assert not spend(running("vol-1", 0.5), cap=0.5).over_cap
    assert spend(running("vol-1", 0.5), running("vol-2", 0.0001), cap=0.5).over_cap


def test_a_volume_the_kit_cannot_price_is_over_the_cap_and_named_and_an_exemption_clears_it(
    session: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.txt"
    learner = learner_account(session, roster, cap=5)
    # io2 is not in the kit's price table: a made-by-hand io2 volume cannot be priced
    volume = learner.client("ec2").create_volume(
        AvailabilityZone="us-east-1a", Size=100, VolumeType="io2", Iops=3000
    )["VolumeId"]

    flagged = main(guard(roster))
    flagged_out = capsys.readouterr().out
    exempted = main(guard(roster, "--exempt", volume, "--exempt", "vol-0typo"))
    exempted_out = capsys.readouterr().out

    assert flagged == 1, flagged_out
    assert (
        f"{volume} 100 GiB io2 volume (available) (made by hand, us-east-1; cannot price: treated as over)"
        in (flagged_out)
    )
    assert "nobody over their cap" not in flagged_out
    assert exempted == 0, exempted_out
    assert f"exempt (--exempt): alice: {volume}" in exempted_out
    assert "exempt (--exempt): vol-0typo matches nothing running (an id, ARN or Name tag)" in exempted_out
    assert last_line(exempted_out).startswith(
        "nobody over their cap (1 learner(s) capped, everything found priced"
    )


def test_a_cap_of_zero_with_enforce_is_refused_in_one_line(
    session: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("alice\nbob cap=0\n", encoding="utf-8")
    deploy(session, "alice-LabDdbStream", QUEUE, tags=lab_tags("LabDdbStream", "alice"))

    from_option = main(guard(roster, "--cap", "0", "--enforce"))
    from_option_err = capsys.readouterr().err
    from_roster = main(guard(roster, "--cap", "1", "--enforce"))
    from_roster_err = capsys.readouterr().err

    assert from_option == 2
    assert from_option_err.strip().splitlines() == [
        "labkit class guard: a cap of $0 with --enforce would destroy every lab stack of alice, bob, "
        "even those that cost nothing an hour: give a cap above 0"
    ]
    assert from_roster == 2
    assert "every lab stack of bob," in from_roster_err
    stacks = session.client("cloudformation").describe_stacks()["Stacks"]
    assert [s["StackStatus"] for s in stacks] == ["CREATE_COMPLETE"]  # nothing was touched


def test_the_guard_deletes_overdue_stacks_and_names_an_expiry_that_ended_delete_failed(
    session: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("alice\nbob\n", encoding="utf-8")
    past = expires_tag(datetime.now(UTC) - timedelta(hours=1))
    deploy(session, "alice-LabDdbStream", QUEUE, tags=lab_tags("LabDdbStream", "alice", expires=past))
    deploy(session, "bob-LabDdbStream", QUEUE, tags=lab_tags("LabDdbStream", "bob", expires=past))
    fail_deletion("bob-LabDdbStream", "Queue", "The queue's policy was deleted by hand")

    listed = main(guard(roster, "--cap", "5"))
    listed_out = capsys.readouterr().out
    enforced = main(guard(roster, "--cap", "5", "--enforce", "--timeout", "30"))
    enforced_out = capsys.readouterr().out

    assert listed == 1
    assert "overdue: alice-LabDdbStream was due to delete itself at" in listed_out
    assert "and is CREATE_COMPLETE; `--enforce` deletes it" in listed_out
    assert "expiry failed: bob-LabDdbStream was due to delete itself at" in listed_out
    assert "its deletion ended DELETE_FAILED: Queue: The queue's policy was deleted by hand" in listed_out
    assert last_line(listed_out).startswith("0 learner(s) over their cap, 2 lab stack(s) overdue")
    # the emulator deletes bob's stack on the second try (on AWS it fails again until its reason is fixed)
    assert enforced == 0, enforced_out
    assert last_line(enforced_out) == (
        "0 learner(s) brought under their cap, 2 overdue stack(s) deleted, verified: "
        "nothing of their stacks runs"
    )
    listed_stacks = session.client("cloudformation").describe_stacks()["Stacks"]
    assert [s["StackName"] for s in listed_stacks if s["StackStatus"] != "DELETE_COMPLETE"] == []


def test_an_instance_in_another_region_counts_against_the_cap(
    session: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.txt"
    learner = learner_account(session, roster, cap=0.5)
    far = learner.client("ec2", region_name="ap-southeast-2")
    far.run_instances(ImageId=AMI, InstanceType="g5.xlarge", MinCount=1, MaxCount=1)

    flagged = main(["class", "guard", "--roster", str(roster)])
    out = capsys.readouterr().out

    assert flagged == 1, out
    assert "g5.xlarge instance" in out
    assert "ap-southeast-2" in out
    assert last_line(out).startswith("1 learner(s) over their cap")


def test_regions_scan_regions_leaves_out_are_never_all_clear_and_the_learners_own_is_always_read(
    session: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.txt"
    learner = learner_account(session, roster, cap=0.05)
    learner.client("ec2").run_instances(ImageId=AMI, InstanceType="m5.large", MinCount=1, MaxCount=1)

    home_left_out = main(guard(roster, "--scan-regions", "ap-southeast-2"))
    home_out = capsys.readouterr().out
    learner.client("ec2").terminate_instances(
        InstanceIds=[
            i["InstanceId"]
            for r in learner.client("ec2").describe_instances()["Reservations"]
            for i in r["Instances"]
        ]
    )
    far_left_out = main(guard(roster, "--scan-regions", "us-east-1"))
    far_out = capsys.readouterr().out

    assert home_left_out == 1, home_out  # us-east-1, where the learner works, is read all the same
    assert "m5.large instance" in home_out
    assert far_left_out == 1, far_out
    assert "ap-southeast-2" in far_out
    assert last_line(far_out).startswith("no learner found over their cap, but 1 place(s) not reached or not")
    assert "every place verified" not in far_out


def test_the_all_clear_names_the_learners_it_does_not_guard(
    session: boto3.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("alice cap=5\nbob\n", encoding="utf-8")

    code = main(guard(roster))
    out = capsys.readouterr().out

    assert code == 0, out
    assert last_line(out).startswith("nobody over their cap (1 learner(s) capped")
    assert last_line(out).endswith("; no cap, not guarded: bob")
