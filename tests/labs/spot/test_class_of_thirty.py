"""A class of 30 LabSpot learners in one shared account, on the emulator: every stack deploys (an
account-level CloudWatch Logs resource policy per stack stopped the 11th: AWS allows 10 per region), and
(`make e2e`) `labkit class check --interrupt` interrupts each learner's own instance, 8 at a time, and
grades each on its own group's warning and replacement; each log group holds only its learner's events."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any
from unittest.mock import patch

import boto3
import pytest

from labs.cli import main
from local_aws.client import LocalAws
from tests.labs.spot.deploying import Template, deploy_spot, publish_code, spot_template
from tests.synth import CDK_GROUP

pytestmark = [CDK_GROUP, pytest.mark.emulator]

LEARNERS = tuple(f"learner{n:02d}" for n in range(30))
# wide enough that no table wraps a cell
TERMINAL = {"COLUMNS": "220", "NO_COLOR": "1"}


def for_owner(template: Template, owner: str) -> Template:
    """learner00's template as CDK synthesizes it for `owner`: the owner is only in the stack's name and the
    kit's tags (one synth instead of 30)."""
    return json.loads(json.dumps(template).replace(LEARNERS[0], owner))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def class_templates() -> dict[str, Template]:
    first = spot_template(LEARNERS[0])
    return {owner: for_owner(first, owner) for owner in LEARNERS}


@pytest.fixture(scope="module")
def deployed(session: boto3.Session, class_templates: dict[str, Template]) -> dict[str, str]:
    """Each learner's `cdk deploy LabSpot -c owner=...`: owner -> the stack's final status."""
    publish_code(session, class_templates[LEARNERS[0]])
    return {
        owner: deploy_spot(session, template, f"{owner}-LabSpot")
        for owner, template in class_templates.items()
    }


def test_thirty_learners_deploy_labspot_in_one_account(
    deployed: dict[str, str], session: boto3.Session
) -> None:
    assert set(deployed.values()) == {"CREATE_COMPLETE"}, deployed
    assert session.client("logs").describe_resource_policies()["resourcePolicies"] == []


def labkit_class(aws: LocalAws, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with aws.patched_environ(), patch.dict(os.environ, TERMINAL), redirect_stdout(out), redirect_stderr(err):
        code = main(["class", *args])
    return code, out.getvalue() + err.getvalue()


def own_instances(session: boto3.Session, owner: str) -> set[str]:
    """Every instance the learner's group has run (tagged with its name), the interrupted one included."""
    resources = session.client("cloudformation").list_stack_resources(StackName=f"{owner}-LabSpot")
    group = next(
        r["PhysicalResourceId"]
        for r in resources["StackResourceSummaries"]
        if r["ResourceType"] == "AWS::AutoScaling::AutoScalingGroup"
    )
    answer = session.client("ec2").describe_instances(
        Filters=[{"Name": "tag:aws:autoscaling:groupName", "Values": [group]}]
    )
    return {i["InstanceId"] for r in answer["Reservations"] for i in r["Instances"]}


# about a minute: 30 interruptions, each Spot event to every learner's filter function (1,800 invocations)
@pytest.mark.e2e
@pytest.mark.usefixtures("deployed")
def test_class_check_interrupt_grades_each_learner_on_their_own_instance(
    local_aws: LocalAws, session: boto3.Session, tmp_path: Path
) -> None:
    roster = tmp_path / "class.txt"
    roster.write_text("\n".join(LEARNERS) + "\n", encoding="utf-8")

    code, out = labkit_class(
        local_aws,
        "check",
        "--roster",
        str(roster),
        "--report",
        str(tmp_path / "r"),
        "--interrupt",
        "LabSpot",
        "--timeout",
        "120",
    )

    assert code == 0, out
    assert out.rstrip().endswith("30 passed of 30"), out
    rows = {row["owner"]: row for row in csv.DictReader(io.StringIO((tmp_path / "r/report.csv").read_text()))}
    assert {row["grade"] for row in rows.values()} == {"pass"}
    logs = session.client("logs")
    for owner in LEARNERS:
        report = json.loads((tmp_path / f"r/gradescope/{owner}/results.json").read_text())
        (test,) = report["tests"]
        warned = next(line for line in test["output"].splitlines() if "Interruption warning received" in line)
        victim = warned.split(" for ", 1)[1].split(" in ", 1)[0]
        assert victim in own_instances(session, owner), (owner, warned)
        assert f"in /aws/events/{owner}-LabSpot" in warned
        # the learner's log group: only their own group's two events, none of the 29 others'
        events = both_events(logs, f"/aws/events/{owner}-LabSpot")
        seen = {json.loads(e["message"])["detail"]["instance-id"] for e in events}
        assert seen == {victim}, (owner, seen)
        assert len(events) == 2


def both_events(logs: Any, group: str, within_s: float = 60) -> list[dict[str, Any]]:
    """The group's events once both are there: each reaches it through an asynchronous invocation of the
    filter function, so the recommendation may land after the warning the check graded (a loaded run)."""
    deadline = time.monotonic() + within_s
    while True:
        events: list[dict[str, Any]] = logs.filter_log_events(logGroupName=group)["events"]
        if len(events) >= 2 or time.monotonic() > deadline:
            return events
        time.sleep(0.5)
