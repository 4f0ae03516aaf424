"""One lab's synth costs one lab: the launcher reads which stacks a CLI call selects, with the pinned CLI's
own table of options, and app.py builds only those; whatever it does not understand builds everything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labs.launcher.__main__ import cli_environment
from labs.launcher.selection import CLI_REGISTRY, SELECTION_ENV, Selection, selected_stacks

APP_STACKS = ("LabEc2", "LabAsg", "LabDdbStream", "MyLabEc2", "LabkitTeacherAccess")


def built(patterns: list[str] | None) -> list[str]:
    """The construct ids app.py builds for the launcher's selection."""
    environ = {} if patterns is None else {SELECTION_ENV: json.dumps(patterns)}
    selection = Selection.from_environment(environ).resolve(APP_STACKS)
    return [stack for stack in APP_STACKS if selection.chooses(stack)]


def test_the_pinned_cli_ships_the_table_of_its_options() -> None:
    assert CLI_REGISTRY.is_file()
    assert selected_stacks(["deploy", "LabEc2"]) == ["LabEc2"]


@pytest.mark.parametrize(
    ("args", "stacks"),
    [
        (["deploy", "LabEc2"], ["LabEc2"]),
        (["synth", "LabEc2", "--quiet"], ["LabEc2"]),
        (["destroy", "LabEc2", "--force", "-c", "owner=alice"], ["LabEc2"]),
        # an option's value is not a stack: the pinned CLI's table says which options take one
        (["deploy", "LabDdbStream", "--require-approval", "never", "-c", "owner=a"], ["LabDdbStream"]),
        (["-c", "owner=bob", "deploy", "--toolkit-stack-name", "LzToolkit", "LabAsg"], ["LabAsg"]),
        (["deploy", "LabEc2", "--outputs-file=out.json", "--hotswap-fallback"], ["LabEc2"]),
        (["deploy", "LabEc2", "LabAsg", "--force", "true"], ["LabEc2", "LabAsg"]),
        (["synthesize", "MyLabEc2"], ["MyLabEc2"]),
        (["diff", "--", "LabEc2"], ["LabEc2"]),
    ],
)
def test_the_stacks_a_call_selects(args: list[str], stacks: list[str]) -> None:
    assert selected_stacks(args) == stacks


@pytest.mark.parametrize(
    "args",
    [
        ["synth"],
        ["synth", "--quiet"],
        ["deploy", "--all"],
        ["ls"],
        ["ls", "LabEc2"],
        ["list", "--long"],
        ["bootstrap", "aws://123456789012/us-east-1"],
        ["doctor"],
        ["no-such-command", "LabEc2"],
        [],
    ],
)
def test_no_selection_builds_everything(args: list[str]) -> None:
    assert selected_stacks(args) is None


def test_without_the_cli_s_table_everything_is_built(tmp_path: Path) -> None:
    assert selected_stacks(["deploy", "LabEc2"], tmp_path / "missing.json") is None


@pytest.mark.parametrize(
    ("patterns", "stacks"),
    [
        (["LabEc2"], ["LabEc2"]),
        # `cdk deploy LabEc2 -c owner=alice` makes alice-LabEc2: its name builds the lab
        (["alice-LabEc2"], ["LabEc2"]),
        (["MyLabEc2"], ["MyLabEc2"]),
        (["LabkitTeacherAccess"], ["LabkitTeacherAccess"]),
        (["LabEc2", "LabAsg"], ["LabEc2", "LabAsg"]),
        (["Lab*"], ["LabEc2", "LabAsg", "LabDdbStream", "LabkitTeacherAccess"]),
    ],
)
def test_app_py_builds_what_is_selected(patterns: list[str], stacks: list[str]) -> None:
    assert built(patterns) == stacks


@pytest.mark.parametrize(
    "patterns",
    [None, [], ["NoSuchStack"], ["LabEc2", "NoSuchStack"], ["!LabEc2"]],
)
def test_what_the_app_does_not_recognise_builds_everything(patterns: list[str] | None) -> None:
    assert built(patterns) == list(APP_STACKS)


def test_an_unreadable_selection_builds_everything() -> None:
    for text in ("not json", '{"a": 1}', "[1, 2]", '""'):
        selection = Selection.from_environment({SELECTION_ENV: text})
        assert selection.everything, text


def test_the_launcher_hands_the_selection_to_the_app_and_never_a_stale_one() -> None:
    stale = {SELECTION_ENV: json.dumps(["LabAsg"]), "PATH": "/bin"}
    selected = cli_environment(stale, Path("/node"), "deploy", ["LabEc2"])
    everything = cli_environment(stale, Path("/node"), "synth", None)

    assert json.loads(selected[SELECTION_ENV]) == ["LabEc2"]
    assert SELECTION_ENV not in everything
