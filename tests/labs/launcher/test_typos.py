"""A stack name the kit does not know gets the nearest lab's name after the CLI's "No stacks match"."""

from __future__ import annotations

from labs.launcher.typos import unknown_stack_lines


def test_a_misspelt_lab_gets_its_nearest_name_and_known_names_get_nothing() -> None:
    lines = unknown_stack_lines(["deploy", "LabBatc", "MyLabEfs", "Lab*", "--require-approval", "never"])
    far = unknown_stack_lines(["destroy", "Zebra"])

    assert lines == ["cdk: no stack of the kit is named LabBatc: did you mean LabBatch? `cdk ls` lists them"]
    assert far == ["cdk: no stack of the kit is named Zebra: `cdk ls` lists them"]
    assert unknown_stack_lines(["deploy", "LabEc2", "LabkitTeacherAccess"]) == []
