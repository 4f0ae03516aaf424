"""The demo inside a landing zone: boundary, class tags, a custom qualifier and toolkit stack, end to end."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pytest
from rich.console import Console

from labs.demo import cdk_cli
from labs.demo.landing_zone import LandingZone
from labs.demo.rehearsal import Demo

BOUNDARY = "arn:aws:iam::123456789012:policy/lz/LabBoundary"


@pytest.mark.e2e
def test_a_lab_deploys_with_the_boundary_on_every_role_under_the_platform_teams_bootstrap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    commands: list[list[str]] = []
    run_cdk = cdk_cli.run_cdk

    def recorded(args: Sequence[str], **options: Any) -> Any:
        commands.append(list(args))
        return run_cdk(args, **options)

    monkeypatch.setattr(cdk_cli, "run_cdk", recorded)
    verified: list[str] = []
    verify = LandingZone.verify

    def verify_and_record(zone: LandingZone, session: Any, stack_name: str) -> None:
        verify(zone, session, stack_name)
        verified.append(stack_name)

    monkeypatch.setattr(LandingZone, "verify", verify_and_record)
    zone = LandingZone.from_options(
        [
            f"permissionsBoundary={BOUNDARY}",
            "classTags=Course=cs101",
            "@aws-cdk/core:bootstrapQualifier=lz01",
        ],
        toolkit_stack_name="LzToolkit",
    )
    console = Console(file=io.StringIO(), width=200, color_system=None)
    demo = Demo(console, ["LabStepFunction"], landing_zone=zone)

    code = demo.run()

    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert code == 0, output
    synth, synth_again, bootstrap, deploy = commands[:4]
    assert "classTags=Course=cs101" in synth
    assert "classTags=Course=cs101" in synth_again  # the redeploy's synth, with another time-to-live
    assert bootstrap[-7:] == [
        "--qualifier",
        "lz01",
        "--toolkit-stack-name",
        "LzToolkit",
        "--custom-permissions-boundary",
        "lz/LabBoundary",  # the ARN's path kept: the bootstrap template builds the ARN from it
        "--apply-permissions-boundary-to-all-roles",
    ]
    assert deploy[-2:] == ["--toolkit-stack-name", "LzToolkit"]
    # every role of the deployed stack carried the boundary (the demo's deploy step checks it)
    assert verified == ["LabStepFunction"]
    assert demo.runs[0].leftovers == []
