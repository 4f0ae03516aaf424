"""Preflight names a resource type the kit's catalogue does not know: its permissions are not simulated, and
the lab is never called ready on a simulation that left it out."""

from __future__ import annotations

from typing import Any

from labs.preflight.boundary import boundary_simulation_line
from labs.preflight.lab_lines import catalogue_line
from labs.preflight.results import CANNOT_TELL, OK

KNOWN = {"Queue": {"Type": "AWS::SQS::Queue"}}
WITH_UNKNOWN = {**KNOWN, "Alerts": {"Type": "AWS::SNS::Topic"}}


class AllowingEverything:
    """IAM as a boundary that allows every action it is asked about answers."""

    def get_policy(self, **_: Any) -> dict[str, Any]:
        return {"Policy": {"DefaultVersionId": "v1"}}

    def get_policy_version(self, **_: Any) -> dict[str, Any]:
        return {"PolicyVersion": {"Document": '{"Statement": []}'}}

    def get_paginator(self, _operation: str) -> Any:
        class Pages:
            def paginate(self, *, ActionNames: list[str], **_: Any) -> list[Any]:  # noqa: N803 (AWS's name)
                return [
                    {
                        "EvaluationResults": [
                            {"EvalActionName": a, "EvalDecision": "allowed"} for a in ActionNames
                        ]
                    }
                ]

        return Pages()


def test_the_catalogue_line_names_each_type_without_an_entry() -> None:
    known = catalogue_line("LabThrowaway", {"Resources": KNOWN})
    missing = catalogue_line("LabThrowaway", {"Resources": WITH_UNKNOWN})

    assert known.status == OK
    assert missing.status == CANNOT_TELL
    assert missing.detail.startswith(
        "unknown: AWS::SNS::Topic: labkit cost cannot price it, its permissions are not"
    )
    assert "labs/catalogue/" in missing.fix


def test_a_boundary_simulation_that_left_a_type_out_cannot_tell_and_says_which() -> None:
    arn = "arn:aws:iam::123456789012:policy/LabBoundary"

    whole = boundary_simulation_line(
        AllowingEverything(), lab_id="LabThrowaway", template={"Resources": KNOWN}, arn=arn
    )  # type: ignore[arg-type]
    partial = boundary_simulation_line(
        AllowingEverything(),  # type: ignore[arg-type]
        lab_id="LabThrowaway",
        template={"Resources": WITH_UNKNOWN},
        arn=arn,
    )

    assert whole.status == OK
    assert partial.status == CANNOT_TELL
    assert (
        "its permissions are not simulated for AWS::SNS::Topic (the kit's catalogue has no entry for it)"
        in (partial.detail)
    )
