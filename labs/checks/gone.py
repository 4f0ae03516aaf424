"""The failed item for a resource the deployed stack lists but its service no longer has (deleted by hand),
shared by every lab's check: CloudFormation does not recreate it, so the hint rebuilds the lab whole."""

from __future__ import annotations

from labs.checks.report import CheckReport
from labs.shared_facts import cdk_command


def report_gone(report: CheckReport, what: str, name: str) -> None:
    """A failed item for a resource the stack lists but its service no longer has (deleted by hand)."""
    destroy = cdk_command("destroy", report.lab_id, report.stack_name)
    deploy = cdk_command("deploy", report.lab_id, report.stack_name)
    # CloudFormation does not recreate what was deleted outside it (its drift status is DELETED): an
    # unchanged redeploy changes nothing, so the lab is rebuilt whole
    report.add(
        what,
        False,
        f"the stack lists {name}, but it no longer exists (deleted by hand?)",
        hint=f"rebuild the lab: `{destroy}`, then `{deploy}`",
    )
