"""`labkit exercise LabEfs` on the emulator, through the real CDK CLI: the starter deploys as written and its
check names the access point (step 2) and the mount (step 3) as missing; completed as its TODOs say, the same
stack, redeployed, passes, sharing a file between its two functions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from labs.checks.report import Outcome
from labs.demo.cdk_cli import run_cdk
from labs.exercises.starters import starter
from labs.registry import run_check
from local_aws.client import LocalAws
from tests.check_helpers import item

pytestmark = pytest.mark.e2e
# steps 2 and 3 written the way the starter's TODOs suggest
COMPLETED = """
        access_point = shared.file_system.add_access_point("AccessPoint", path="/lambda",
            create_acl=efs.Acl(owner_uid="1001", owner_gid="1001", permissions="750"),
            posix_user=efs.PosixUser(uid="1001", gid="1001"))
        mount = lambda_.FileSystem.from_efs_access_point(access_point, MOUNT_PATH)
"""


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws() as aws:
        yield aws


def _deploy(local_aws: LocalAws, folder: Path, assembly: str) -> None:
    context = ["-c", f"myLabs={folder}", "-c", f"sandboxAccounts={local_aws.account_id}"]
    run_cdk(["synth", "MyLabEfs", "--quiet", "--output", assembly, *context], env=local_aws.env)
    run_cdk(["deploy", "MyLabEfs", "--app", assembly, "--require-approval", "never"], env=local_aws.env)


def test_the_starter_fails_by_step_and_passes_once_completed(local_aws: LocalAws, tmp_path: Path) -> None:
    session: boto3.Session = local_aws.session()
    path = starter("LabEfs").write(tmp_path)
    run_cdk(["bootstrap", f"aws://{local_aws.account_id}/{local_aws.region}"], env=local_aws.env)
    _deploy(local_aws, tmp_path, str(tmp_path / "first"))

    as_written = run_check("LabEfs", session=session, stack_name="MyLabEfs", on_emulator=True, timeout_s=5)
    path.write_text(
        path.read_text(encoding="utf-8").replace("        mount = None\n", COMPLETED), encoding="utf-8"
    )
    _deploy(local_aws, tmp_path, str(tmp_path / "second"))
    completed = run_check("LabEfs", session=session, stack_name="MyLabEfs", on_emulator=True, timeout_s=5)

    for name in ("File system", "Deleted with the stack", "Mount targets", "NFS from the functions only"):
        assert item(as_written, name).outcome is Outcome.PASS, name
    assert item(as_written, "Access point").hint.startswith("Step 2 of the hands-on (")
    assert item(as_written, "Functions mount it").hint.startswith("Step 3 of the hands-on (")
    assert not as_written.passed
    assert completed.passed, [(i.name, i.detail) for i in completed.items]
    outputs = session.client("cloudformation").describe_stacks(StackName="MyLabEfs")["Stacks"][0]["Outputs"]
    for name in ("WriteCommand", "ReadCommand", "ForceColdStartCommand", "AccessPointCommand"):  # step 4's
        assert name in {output["OutputKey"] for output in outputs}, name
    assert "read back by the reader" in item(completed, "Shared through EFS").detail
