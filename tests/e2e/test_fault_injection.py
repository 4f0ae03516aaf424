"""Off the happy path, through the real CLIs on the emulator, as a learner would get there (issue 20).

Each case asserts what the learner sees, then that nothing is left behind: no process of the case's
commands, nothing in their TMPDIR, and `labkit leftovers` empty. Cases use owners of their own, so they run
side by side on one emulator. Some depend on the emulator's parity fixes of the same issue (change sets per
stack, a resource already gone counts as deleted, B/BS as base64 in stream records).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import CONTEXT, ROOT, Terminal, new_terminal, outputs_of

pytestmark = pytest.mark.e2e
APPROVE = "--require-approval never"
# `timeout`: a redeploy that hangs (as it did, waiting for a change set of another stack) fails the case
DEPLOY_LIMIT_S = 180


def physical_ids(terminal: Terminal, stack: str, resource_type: str, logical_prefix: str = "") -> list[str]:
    """The stack's resources of one type, as a learner finds them with the kit's `aws`."""
    query = (
        f"StackResources[?ResourceType=='{resource_type}' && starts_with(LogicalResourceId, "
        f"'{logical_prefix}')].PhysicalResourceId"
    )
    done = terminal.run(
        f'aws cloudformation describe-stack-resources --stack-name {stack} --query "{query}" --output text'
    )
    return done.printed.split()


def eventually(probe: Callable[[], str], within_s: float = 60) -> str:
    deadline = time.monotonic() + within_s
    while True:
        text = probe()
        if text or time.monotonic() > deadline:
            return text
        time.sleep(1)


def destroy(terminal: Terminal, lab: str, owner: str) -> None:
    terminal.run(f"timeout {DEPLOY_LIMIT_S} cdk destroy {lab} --force {CONTEXT} -c owner={owner}")


def test_a_context_value_changed_and_redeployed_at_once_three_times_never_hangs(terminal: Terminal) -> None:
    owner = "e2e-redeploy"
    terminal.deploy("LabDdbStream", f"-c owner={owner}")

    for ttl in ("3", "4", "5"):
        done = terminal.run(
            f"timeout {DEPLOY_LIMIT_S} cdk deploy LabDdbStream {CONTEXT} -c owner={owner} -c ttlHours={ttl} "
            f"{APPROVE}",
            check=False,
        )
        assert done.returncode == 0, done.printed
        assert "Waiting for changeset" not in done.printed
    tags = terminal.run(
        f"aws cloudformation describe-stacks --stack-name {owner}-LabDdbStream --query Stacks[0].Tags"
    )

    assert "labkit:expires-at" in tags.printed  # the last deploy's expiry, read back
    destroy(terminal, "LabDdbStream", owner)
    terminal.assert_nothing_left("LabDdbStream", owner)


# lab -> (the resource a learner deletes by hand: type, logical id prefix, the command)
HAND_DELETED = {
    "LabDdbStream": (
        "AWS::Lambda::Function",
        "CsvWriterFunction",
        "aws lambda delete-function --function-name {id}",
    ),
    "LabStepFunction": (
        "AWS::StepFunctions::StateMachine",
        "",
        "aws stepfunctions delete-state-machine --state-machine-arn {id}",
    ),
    "LabEc2": ("AWS::EC2::Instance", "", "aws ec2 terminate-instances --instance-ids {id}"),
    "LabAsg": (
        "AWS::AutoScaling::AutoScalingGroup",
        "",
        "aws autoscaling delete-auto-scaling-group --auto-scaling-group-name {id} --force-delete",
    ),
}


@pytest.mark.parametrize("lab", list(HAND_DELETED))
def test_a_resource_deleted_by_hand_then_destroy_leaves_nothing(terminal: Terminal, lab: str) -> None:
    owner = f"e2e-gone-{lab.lower()}"
    resource_type, prefix, command = HAND_DELETED[lab]
    terminal.deploy(lab, f"-c owner={owner}")
    (gone, *_) = physical_ids(terminal, f"{owner}-{lab}", resource_type, prefix)
    terminal.run(command.format(id=gone))

    checked = terminal.run(f"labkit check {lab} --owner {owner}", check=False)
    destroyed = terminal.run(
        f"timeout {DEPLOY_LIMIT_S} cdk destroy {lab} --force {CONTEXT} -c owner={owner}", check=False
    )

    said = " ".join(checked.printed.split())  # the report wraps lines at the terminal's width
    assert checked.returncode != 2, checked.printed  # a failed check, never "AWS refused a call"
    if lab == "LabDdbStream":
        assert "no longer exists" in said
        assert f"cdk destroy LabDdbStream -c owner={owner}" in said
    assert destroyed.returncode == 0, destroyed.printed
    assert "DELETE_FAILED" not in destroyed.printed
    terminal.assert_nothing_left(lab, owner)


def test_an_interrupted_deploy_says_so_in_one_line_and_the_next_deploy_works(terminal: Terminal) -> None:
    owner = "e2e-ctrlc"
    deploy = f"cdk deploy LabStepFunction {CONTEXT} -c owner={owner} {APPROVE}"

    in_synth = terminal.start(deploy)
    time.sleep(2.5)  # the app is synthesizing: jsii's Node kernel runs
    during_synth = in_synth.interrupt()
    in_deploy = terminal.start(deploy)
    in_deploy.wait_for(lambda line: "deploying..." in line or "creating CloudFormation changeset" in line)
    during_deploy = in_deploy.interrupt()
    after = terminal.run(f"timeout {DEPLOY_LIMIT_S} {deploy}", check=False)

    for interrupted in (during_synth, during_deploy):
        said = [line for line in interrupted.printed.splitlines() if line.strip()]
        assert interrupted.returncode == 130, interrupted.printed
        assert said[-1].startswith("cdk: stopped (SIGINT); nothing of it is left running.")
        assert "Traceback" not in interrupted.printed
        assert "KeyboardInterrupt" not in interrupted.printed
    assert after.returncode == 0, after.printed  # no "Other CLIs (PID=...) are currently reading"
    destroy(terminal, "LabStepFunction", owner)
    terminal.assert_nothing_left("LabStepFunction", owner)


def test_two_owners_deploy_at_once_from_one_checkout(bootstrapped: Path, tmp_path: Path) -> None:
    owners = ("e2e-ann", "e2e-ben")
    folders = [ROOT / f"cdk.out-{owner}" for owner in owners]
    terminals = {}
    for owner in owners:
        (tmp_path / owner).mkdir()
        # no output folder of their own: the `cdk` launcher chooses one per owner
        terminals[owner] = new_terminal(bootstrapped, tmp_path / owner, own_output=False)
    try:
        running = [
            terminals[owner].start(f"cdk deploy LabDdbStream {CONTEXT} -c owner={owner} {APPROVE}")
            for owner in owners
        ]
        finished = [run.finish(timeout_s=DEPLOY_LIMIT_S) for run in running]

        for done in finished:
            assert done.returncode == 0, done.printed
            assert "Another CLI" not in done.printed
        assert all(folder.is_dir() for folder in folders)
        for owner in owners:
            destroy(terminals[owner], "LabDdbStream", owner)
            terminals[owner].assert_nothing_left("LabDdbStream", owner)
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def test_with_only_aws_region_set_the_printed_commands_work_as_pasted(terminal: Terminal) -> None:
    owner = "e2e-region"
    terminal.setup = "unset AWS_DEFAULT_REGION; export AWS_REGION=eu-central-1; "
    terminal.run("cdk bootstrap aws://123456789012/eu-central-1")
    outputs = terminal.deploy("LabDdbStream", f"-c owner={owner}")

    terminal.run(outputs["PutItemCommand"])
    listed = eventually(lambda: terminal.run(outputs["ListCsvCommand"]).printed.strip())  # noqa: PLW0108
    checked = terminal.run(f"labkit check LabDdbStream --owner {owner}", check=False)

    assert ".csv" in listed
    assert checked.returncode == 0, checked.printed
    assert "eu-central-1" in outputs.get("BucketName", "") or listed
    destroy(terminal, "LabDdbStream", owner)
    assert "Scanned region eu-central-1" in terminal.leftovers_of("LabDdbStream", owner)
    terminal.assert_nothing_left("LabDdbStream", owner)


def test_a_broken_starter_or_handler_or_a_typo_stops_only_what_it_breaks(
    terminal: Terminal, tmp_path: Path
) -> None:
    owner = "e2e-starter"
    my_labs = tmp_path / "my-labs"
    terminal.run(f"labkit exercise LabEc2 --dir {my_labs}")
    terminal.run(f"labkit exercise LabDdbStream --dir {my_labs}")
    stack = my_labs / "LabEc2" / "stack.py"
    stack.write_text(stack.read_text(encoding="utf-8") + "def broken(:\n", encoding="utf-8")
    broken_line = len(stack.read_text(encoding="utf-8").splitlines())
    handler = my_labs / "LabDdbStream" / "handler.py"
    handler.write_text("def handler(event, context):\n    return (\n", encoding="utf-8")
    context = f"{CONTEXT} -c owner={owner} -c myLabs={my_labs}"

    labs = terminal.run(
        f"cdk synth LabEc2 LabAsg LabDdbStream LabStepFunction --quiet {context}", check=False
    )
    mine = terminal.run(f"cdk deploy MyLabEc2 {context} {APPROVE}", check=False)
    with_handler = terminal.run(
        f"cdk deploy LabDdbStream {context} -c handlerCode={handler.parent} {APPROVE}", check=False
    )
    other_lab = terminal.run(
        f"cdk synth LabEc2 --quiet {context} -c handlerCode={handler.parent}", check=False
    )
    typo = terminal.run(f"cdk synth LabEc2 --quiet {CONTEXT} -c ttl=abc", check=False)

    assert labs.returncode == 0, labs.printed  # what `make synth` runs, with the broken starter present
    assert mine.returncode != 0
    assert f"{stack}:{broken_line}: SyntaxError" in mine.printed
    assert with_handler.returncode != 0
    assert f"{handler} line 2 is not valid Python" in with_handler.printed
    assert other_lab.returncode == 0, other_lab.printed
    assert typo.returncode != 0
    assert "unknown setting 'ttl': did you mean ttlHours?" in typo.printed
    terminal.assert_nothing_left("LabEc2", owner)


def test_binary_and_set_attributes_reach_the_csv_intact(terminal: Terminal) -> None:
    owner = "e2e-types"
    outputs = terminal.deploy("LabDdbStream", f"-c owner={owner}")
    table, bucket = outputs["TableName"], outputs["BucketName"]
    # the AWS CLI v1 sends a blob argument's text as its bytes: "hello" is aGVsbG8= in base64
    item = {
        "userId": {"S": "u-types"},
        "name": {"S": "Ada Types"},
        "avatar": {"B": "hello"},
        "keys": {"BS": ["one", "two"]},
        "colours": {"SS": ["red", "blue"]},
        "scores": {"NS": ["1", "2.5"]},
    }
    terminal.run(f"aws dynamodb put-item --table-name {table} --item '{json.dumps(item)}'")

    listed = eventually(lambda: terminal.run(outputs["ListCsvCommand"]).printed.strip())  # noqa: PLW0108
    key = listed.split()[-1]
    written = terminal.run(f"aws s3 cp s3://{bucket}/{key} -").printed

    assert "u-types" in written
    assert "aGVsbG8=" in written  # base64, as AWS sends B in a stream record
    assert "b'" not in written  # never Python's repr of bytes
    for member in ("b25l", "dHdv", "red", "blue"):  # each member of the binary and string sets
        assert member in written
    assert "2.5" in written
    destroy(terminal, "LabDdbStream", owner)
    terminal.assert_nothing_left("LabDdbStream", owner)


def _way_out(printed: str, stack: str) -> str:
    """The command of the one line the kit printed for a DELETE_FAILED stack (its `Way out:` part)."""
    line = next(line for line in printed.splitlines() if f"{stack} is DELETE_FAILED" in line)
    return line.split("Way out: ", 1)[1].split(" (the stack goes", 1)[0]


def test_functions_deleted_by_hand_stop_destroy_and_the_way_out_the_kit_names_works_verbatim(
    terminal: Terminal,
) -> None:
    """Issue 28: the bucket cleaner's function deleted by hand leaves the stack DELETE_FAILED, as on AWS; the
    launcher, the check and the scan each name the blocking resource and the RetainResources command, a
    deploy onto the stack is refused with the same line, and the command works as printed."""
    owner, lab = "e2e-stuck", "LabDdbStream"
    stack = f"{owner}-{lab}"
    outputs = terminal.deploy(lab, f"-c owner={owner}")
    terminal.run(outputs["PutItemCommand"])
    assert eventually(lambda: terminal.run(outputs["ListCsvCommand"]).printed.strip())  # noqa: PLW0108
    for function in physical_ids(terminal, stack, "AWS::Lambda::Function"):
        terminal.run(f"aws lambda delete-function --function-name {function}")

    destroyed = terminal.run(
        f"timeout {DEPLOY_LIMIT_S} cdk destroy {lab} --force {CONTEXT} -c owner={owner}", check=False
    )
    redeployed = terminal.run(
        f"timeout {DEPLOY_LIMIT_S} cdk deploy {lab} {CONTEXT} -c owner={owner} {APPROVE}", check=False
    )
    # a wide terminal: the report and the table keep the command on one line
    checked = terminal.run(f"labkit check {lab} --owner {owner}", check=False, COLUMNS="1000")
    scanned = terminal.leftovers_of(lab, owner, COLUMNS="1000")

    command = _way_out(destroyed.printed, stack)
    assert destroyed.returncode != 0
    assert "EmptyOnDelete" in destroyed.printed.split(f"{stack} is DELETE_FAILED", 1)[1]  # the cleaner blocks
    assert command.startswith(f"aws cloudformation delete-stack --stack-name {stack} --retain-resources ")
    assert redeployed.returncode != 0
    assert "is in DELETE_FAILED state and can not be updated" in redeployed.printed
    assert _way_out(redeployed.printed, stack) == command
    assert command in " ".join(checked.printed.split())
    assert (
        command in "".join(scanned.split()).replace("--stack-name", " --stack-name ")
        or command.split()[-1] in scanned
    )
    bucket = outputs["BucketName"]
    assert f"bucket {bucket} with 1 object(s)" in destroyed.printed

    terminal.run(command)  # verbatim
    after = terminal.leftovers_of(lab, owner, COLUMNS="1000")

    assert "AWS::CloudFormation::Stack" not in after
    assert bucket in after  # what the way out said it leaves, found by the scan
    terminal.run(f"aws s3 rb s3://{bucket} --force")
    terminal.assert_nothing_left(lab, owner)


def test_a_missing_boundary_added_to_a_deployed_lab_fails_its_update_as_on_aws(terminal: Terminal) -> None:
    owner, lab = "e2e-boundary", "LabStepFunction"
    terminal.deploy(lab, f"-c owner={owner}")

    bounded = terminal.run(
        f"timeout {DEPLOY_LIMIT_S} cdk deploy {lab} {CONTEXT} -c owner={owner} "
        f"-c permissionsBoundary=NoSuchPolicy {APPROVE}",
        check=False,
    )
    state = terminal.run(
        f"aws cloudformation describe-stacks --stack-name {owner}-{lab} --query Stacks[0].StackStatus "
        "--output text"
    )

    assert bounded.returncode != 0
    assert "policy/NoSuchPolicy does not exist or is not attachable" in bounded.printed
    assert state.printed.strip() == "UPDATE_ROLLBACK_COMPLETE"
    destroy(terminal, lab, owner)
    terminal.assert_nothing_left(lab, owner)


def test_printed_outputs_name_the_stack() -> None:
    """The outputs parser reads an owner's stack outputs (a guard for the cases above)."""
    printed = "e2e-x-LabDdbStream.TableName = t\nLabEc2.ElasticIp = 1.2.3.4\n"

    assert outputs_of(printed, "LabDdbStream") == {"TableName": "t"}
    assert outputs_of(printed, "LabEc2") == {"ElasticIp": "1.2.3.4"}
