"""LabEfs's hands-on as the README says, on `labkit emulator`: its outputs pasted verbatim, then the check,
`cdk destroy`, and proof through the AWS CLI that nothing of the file system is left.

The writer stages the table once, the reader finds it, a cold start empties the reader's /tmp but not the
file system; the access point and mount targets show what made it work.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.manual_flow import CONTEXT, Shell, deploy, shell

pytestmark = pytest.mark.e2e
# the manual flow's fixture, shared rather than copied
__all__ = ["shell"]


def test_lab_efs_as_the_readme_says_and_nothing_of_the_file_system_after_destroy(shell: Shell) -> None:
    outputs = deploy(shell, "LabEfs")
    file_system = outputs["FileSystemId"]

    wrote = json.loads(shell.run(outputs["WriteCommand"]).stdout)
    wrote_again = json.loads(shell.run(outputs["WriteCommand"]).stdout)
    read = json.loads(shell.run(outputs["ReadCommand"]).stdout)
    warm = json.loads(shell.run(outputs["ReadCommand"]).stdout)
    shell.run(outputs["ForceColdStartCommand"])
    cold = json.loads(shell.run(outputs["ReadCommand"]).stdout)
    targets = shell.run(outputs["MountTargetsCommand"]).stdout
    access_point = shell.run(outputs["AccessPointCommand"]).stdout
    mounted = shell.run(outputs["MountCommand"]).stdout
    reader = re.search(r"--function-name (\S+)", outputs["ReadCommand"]).group(1)  # type: ignore[union-attr]
    # the README's lookup with a payload, which the v1 and v2 CLIs both read from a file as bytes
    payload = 'fileb://<(echo \'{"country": "JP"}\')'
    looked_up = shell.run(
        f"aws lambda invoke --function-name {reader} --payload {payload} /dev/stdout"
    ).stdout

    assert (wrote["efs"]["staged"], wrote_again["efs"]["staged"]) == (True, False)
    assert read["efs"]["found"] is True
    assert read["efs"]["stagedBy"] == wrote["environment"]
    assert (read["tmp"]["hadCopy"], warm["tmp"]["hadCopy"]) == (False, True)
    assert (cold["coldStart"], cold["tmp"]["hadCopy"], cold["efs"]["found"]) == (True, False, True)
    assert cold["environment"] != read["environment"]
    assert targets.count("available") == 2
    assert '"Uid": 1001' in access_point
    assert "/mnt/shared" in mounted
    assert '"name": "Japan"' in looked_up

    checked = shell.run("labkit check LabEfs", check=False)
    assert checked.returncode == 0, checked.stdout
    shell.run(f"cdk destroy LabEfs --force {CONTEXT}")

    left = shell.run(
        "aws efs describe-file-systems --query 'FileSystems[].FileSystemId' --output text"
    ).stdout
    points = shell.run(
        "aws efs describe-access-points --query 'AccessPoints[].FileSystemId' --output text"
    ).stdout
    assert file_system not in left
    assert file_system not in points
    scanned = shell.run("labkit leftovers LabEfs", check=False)
    assert scanned.returncode == 0, scanned.stdout
    assert "Nothing left behind by LabEfs" in scanned.stdout
