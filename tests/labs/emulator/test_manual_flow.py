"""The README's manual flow, verbatim, for each lab: `labkit emulator` in one shell, its exports in another.

In that other shell: bootstrap, deploy, the outputs the deploy printed (pasted as they are), `labkit
check`, destroy, and a clean leftover scan. Everything runs through the real, pinned CDK CLI, the kit's
`aws` and `labkit` commands, in bash, as a learner would type it (tests/manual_flow.py).
"""

from __future__ import annotations

import re

import pytest

from tests.manual_flow import Shell, check_destroy_and_scan, deploy, eventually, shell

pytestmark = pytest.mark.e2e
# the manual flow's fixture, shared rather than copied
__all__ = ["shell"]


def test_lab_ddb_stream_as_the_readme_says(shell: Shell) -> None:
    outputs = deploy(shell, "LabDdbStream")

    shell.run(outputs["PutItemCommand"])
    listed = eventually(lambda: shell.run(outputs["ListCsvCommand"]).stdout.strip())  # noqa: PLW0108
    logged = shell.run_for(outputs["LogsCommand"], seconds=6)
    failures = shell.run(outputs["FailedRecordsCommand"])
    read_back = shell.run(outputs["ReadFailedBatchCommand"])

    assert "stream/" in listed  # the deployed writer wrote the put user's row
    assert ".csv" in listed
    assert "u-100" in logged  # the event it received shows in its log, as the course's first step asks
    assert "START RequestId" in logged
    assert failures.stdout.strip() == ""  # nothing failed
    assert "No failed batch in the queue." in read_back.stdout
    check_destroy_and_scan(shell, "LabDdbStream")


def test_lab_step_function_as_the_readme_says(shell: Shell) -> None:
    outputs = deploy(shell, "LabStepFunction")

    shell.run(outputs["StartExecutionCommand"])

    def succeeded() -> str:
        shown = shell.run(outputs["ShowResultCommand"]).stdout
        return shown if "SUCCEEDED" in shown else ""

    result = eventually(succeeded)
    logged = shell.run_for(outputs["LogsCommand"], seconds=6)

    assert "SUCCEEDED" in result
    assert (
        '\\"rows\\": 1' in result or '"rows": 1' in result
    )  # the writer's answer, not the input echoed back
    assert "s3://" in result
    assert "Grace Hopper" in logged
    check_destroy_and_scan(shell, "LabStepFunction")


def test_lab_asg_as_the_readme_says(shell: Shell) -> None:
    outputs = deploy(shell, "LabAsg")

    shell.run(outputs["TerminateOneCommand"])
    watched = shell.run_for(outputs["WatchCommand"], seconds=6)

    assert "InService" in watched  # the group's replacement, in the table the watch prints
    check_destroy_and_scan(shell, "LabAsg")


def test_lab_ec2_as_the_readme_says(shell: Shell) -> None:
    outputs = deploy(shell, "LabEc2")

    pinged = shell.run(outputs["PingCommand"], timeout_s=30, check=False)
    session = shell.run(outputs["SessionCommand"], timeout_s=60, check=False)

    # what the README's emulator section says: the address is on no network, and Session Manager needs
    # the plugin and a real instance; the check reports ping as not verifiable instead of passing it
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", outputs["ElasticIp"])
    assert pinged.returncode != 0
    assert session.returncode != 0
    check_destroy_and_scan(shell, "LabEc2")


def test_lab_spot_as_the_readme_says(shell: Shell) -> None:
    outputs = deploy(shell, "LabSpot")

    before = shell.run(outputs["InstancesCommand"]).stdout
    prices = shell.run(outputs["SpotPricesCommand"]).stdout
    (victim,) = re.findall(r"(i-[0-9a-f]+)", before)
    shell.run(outputs["InterruptCommand"])
    # the events reach the log group through the lab's filter function: its first run is a cold start
    watched = shell.run_for(outputs["WatchEventsCommand"], seconds=10)

    def replaced() -> str:
        shown = shell.run(outputs["InstancesCommand"]).stdout
        return shown if re.search(r"i-[0-9a-f]+", shown) and victim not in shown else ""

    after = eventually(replaced, within_s=30)

    assert "spot" in before  # the lifecycle column
    assert "t4g.nano" in prices
    assert "EC2 Spot Instance Interruption Warning" in watched
    assert "EC2 Instance Rebalance Recommendation" in watched
    assert victim in watched
    assert "spot" in after  # a new Spot instance, without the interrupted one
    interrupted = shell.run("labkit check LabSpot --interrupt", check=False)
    assert interrupted.returncode == 0, interrupted.stdout
    assert "Replacement in service" in interrupted.stdout
    check_destroy_and_scan(shell, "LabSpot")
