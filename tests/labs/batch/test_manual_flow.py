"""LabBatch's hands-on as the README says, on `labkit emulator`: the outputs pasted verbatim in one shell
(submit, watch, the children, a child's log, the results), then the check, destroy and a clean scan."""

from __future__ import annotations

import json

import pytest

from labs.batch import spec
from tests.manual_flow import Shell, check_destroy_and_scan, deploy, shell

pytestmark = pytest.mark.e2e
# the manual flow's fixture, shared rather than copied
__all__ = ["shell"]


def test_lab_batch_as_the_docs_say(shell: Shell) -> None:
    outputs = deploy(shell, "LabBatch")

    # one shell, as a learner pastes them: the submit keeps the job's id in $JOB for the next commands
    until_done = (
        "for i in $(seq 60); do "
        "s=$(aws batch describe-jobs --jobs $JOB --query 'jobs[0].status' --output text); "
        '[ "$s" = SUCCEEDED ] || [ "$s" = FAILED ] && break; sleep 1; done'
    )
    printed = shell.run(
        " && ".join(
            [
                outputs["SubmitCommand"],
                until_done,
                "echo WATCH",
                outputs["WatchCommand"],
                "echo CHILDREN",
                outputs["ChildrenCommand"],
                "echo LOG",
                outputs["ChildLogCommand"],
                "echo RESULTS",
                outputs["ResultsCommand"],
            ]
        )
    ).stdout
    job_id, rest = printed.split("\nWATCH\n", 1)
    watched, rest = rest.split("\nCHILDREN\n", 1)
    children, rest = rest.split("\nLOG\n", 1)
    log, results = rest.split("\nRESULTS\n", 1)

    status, summary = json.loads(watched)
    assert status == "SUCCEEDED"
    assert summary["SUCCEEDED"] == spec.ARRAY_SIZE
    assert children.count("SUCCEEDED") == spec.ARRAY_SIZE
    assert f"{job_id.strip()}:9" in children
    assert '"event": "done", "index": 0' in log
    assert [line.split()[-1] for line in results.splitlines()] == [
        f"part-{index:04d}.csv" for index in range(spec.ARRAY_SIZE)
    ]
    check_destroy_and_scan(shell, "LabBatch")
