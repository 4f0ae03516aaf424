"""The learner's own work as the kit builds it: `My<Lab>` with the guardrails, their handler in the lab."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from labs.cdk_json import feature_flags
from labs.exercises.starters import starter
from labs.settings import LabSettings
from labs.shared_facts import powertools_layer_arn
from tests.synth import CDK_GROUP, FIXED_NOW, Template, only, props, resources

if TYPE_CHECKING:
    from aws_cdk import App

pytestmark = CDK_GROUP

BROKEN_ASG = """from labs.exercises.learner_stack import LearnerLabStack


class MyLabAsg(LearnerLabStack):
    def __init__(self, scope, *, settings):
        super().__init__(scope, "LabAsg", settings=settings)
        raise ValueError("min_capacity must be a number")
"""


@pytest.fixture(scope="module")
def learner_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[App, dict[str, Any], Path]:
    """One synth: alice's starter of LabEc2 as written, her own LabDdbStream handler."""
    from labs.ddb_stream.stack import LabDdbStreamStack

    folder = tmp_path_factory.mktemp("my-labs")
    starter("LabEc2").write(folder, owner="alice")
    handler = starter("LabDdbStream").write(folder)
    settings = LabSettings(owner="alice", now=FIXED_NOW, my_labs=folder, handler_code=handler.parent)
    from aws_cdk import App

    app = App(outdir=str(tmp_path_factory.mktemp("cdk.out")), context=feature_flags())
    from labs.exercises.learner_stack import build_learner_stacks

    stacks: dict[str, Any] = dict(build_learner_stacks(app, settings))
    stacks["LabDdbStream"] = LabDdbStreamStack(app, settings=settings)
    return app, stacks, folder


def template(app: App, stack: Any) -> Template:
    artifact = app.synth().get_stack_by_name(stack.stack_name)
    return dict(artifact.template)


def test_the_ec2_starter_as_written_is_a_guardrailed_stack_of_its_own(
    learner_app: tuple[App, dict[str, Any], Path],
) -> None:
    app, stacks, _ = learner_app
    mine = stacks["LabEc2"]

    assert (mine.node.id, mine.stack_name) == ("MyLabEc2", "alice-MyLabEc2")
    assert mine.tags.tag_values() == {
        "labkit:lab": "LabEc2",
        "labkit:owner": "alice",
        "labkit:expires-at": "2026-01-01T20:01Z",
    }
    synthesized = template(app, mine)
    assert "your own LabEc2" in synthesized["Description"]
    assert len(resources(synthesized, "AWS::Scheduler::Schedule")) == 1  # it deletes itself
    assert not resources(synthesized, "AWS::EC2::Instance")  # the learner's steps are still TODOs
    assert synthesized["Outputs"]["ExpiresAt"]["Value"] == "2026-01-01T20:01Z"


def errors_on(stack: Any) -> list[str]:
    """Error annotations, read from the construct (the CLI fails only the stacks it was asked for)."""
    return [str(entry.data) for entry in stack.node.metadata if entry.type == "aws:cdk:error"]


@pytest.mark.parametrize(
    ("source", "where", "reason"),
    [
        (BROKEN_ASG, ":7", "ValueError: min_capacity must be a number"),
        ("class MyLabAsg(:\n", ":1", "SyntaxError:"),
        ("x = 1\n", "", "LearnerStackError: it defines no class MyLabAsg"),
        (
            "class MyLabAsg:\n    def __init__(self, scope, *, settings):\n        pass\n",
            "",
            "LearnerLabStack",
        ),
    ],
)
def test_a_broken_learner_module_becomes_an_error_on_its_own_stack_only(
    tmp_path: Path, source: str, where: str, reason: str
) -> None:
    (tmp_path / "LabAsg").mkdir()
    (tmp_path / "LabAsg" / "stack.py").write_text(source, encoding="utf-8")
    starter("LabEc2").write(tmp_path)
    from aws_cdk import App

    app = App(outdir=str(tmp_path / "cdk.out"))

    from labs.exercises.learner_stack import build_learner_stacks

    stacks = build_learner_stacks(app, LabSettings(now=FIXED_NOW, my_labs=tmp_path))

    (message,) = errors_on(stacks["LabAsg"])
    assert message.startswith(f"MyLabAsg could not be built from {tmp_path / 'LabAsg' / 'stack.py'}{where}: ")
    assert reason in message
    assert "the kit's own labs deploy as before" in message
    assert errors_on(stacks["LabEc2"]) == []


ACTIONLESS_ASG = """from aws_cdk import aws_iam as iam

from labs.exercises.learner_stack import LearnerLabStack


class MyLabAsg(LearnerLabStack):
    def __init__(self, scope, *, settings):
        super().__init__(scope, "LabAsg", settings=settings)
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
        role.add_to_policy(iam.PolicyStatement(resources=["*"]))
"""


def test_what_cdk_would_refuse_at_synth_is_an_error_on_the_learners_stack_which_keeps_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "LabAsg").mkdir()
    (tmp_path / "LabAsg" / "stack.py").write_text(ACTIONLESS_ASG, encoding="utf-8")
    from aws_cdk import App

    from labs.exercises.learner_stack import build_learner_stacks, validation_errors

    stacks = build_learner_stacks(
        App(outdir=str(tmp_path / "cdk.out")), LabSettings(now=FIXED_NOW, my_labs=tmp_path)
    )

    (message,) = errors_on(stacks["LabAsg"])
    assert (
        "CDK refuses it: [MyLabAsg/Role/DefaultPolicy] A PolicyStatement must specify at least one" in message
    )
    assert ".." not in message
    # nothing of the learner's stack is left for the app's synth to refuse
    assert stacks["LabAsg"].node.children == []
    assert validation_errors(stacks["LabAsg"]) == []


def test_a_failed_learner_module_leaves_nothing_else_it_put_on_the_app(tmp_path: Path) -> None:
    (tmp_path / "LabAsg").mkdir()
    (tmp_path / "LabAsg" / "stack.py").write_text(
        "from aws_cdk import Stack\n"
        "from labs.exercises.learner_stack import LearnerLabStack\n\n\n"
        "class MyLabAsg(LearnerLabStack):\n"
        "    def __init__(self, scope, *, settings):\n"
        "        Stack(scope, 'Helper')\n"
        "        super().__init__(scope, 'LabAsg', settings=settings)\n"
        "        raise ValueError('not yet')\n",
        encoding="utf-8",
    )
    from aws_cdk import App, Stack

    from labs.exercises.learner_stack import build_learner_stacks

    app = App(outdir=str(tmp_path / "cdk.out"))
    Stack(app, "KitLab")
    build_learner_stacks(app, LabSettings(now=FIXED_NOW, my_labs=tmp_path))

    assert sorted(child.node.id for child in app.node.children) == ["KitLab", "MyLabAsg"]


def test_no_starters_folder_builds_no_learner_stack(tmp_path: Path) -> None:
    from aws_cdk import App

    app = App(outdir=str(tmp_path))
    from labs.exercises.learner_stack import build_learner_stacks

    assert build_learner_stacks(app, LabSettings(my_labs=tmp_path / "my-labs")) == {}
    assert app.node.children == []


def test_the_learners_handler_runs_in_place_of_the_kits_writer_with_the_same_role_and_layer(
    learner_app: tuple[App, dict[str, Any], Path], templates: dict[str, Template]
) -> None:
    app, stacks, _ = learner_app
    theirs = template(app, stacks["LabDdbStream"])
    kit = templates["LabDdbStream"]

    def writer(synthesized: Template) -> dict[str, Any]:
        (found,) = [
            props(f)
            for logical, f in resources(synthesized, "AWS::Lambda::Function").items()
            if logical.startswith("CsvWriterFunction")
        ]
        return found

    assert writer(theirs)["Handler"] == "handler.handler"
    assert writer(kit)["Handler"] == "csv_writer.handler.handler"
    for key in ("Role", "Layers", "Environment", "Runtime", "Architectures", "LoggingConfig"):
        assert writer(theirs)[key] == writer(kit)[key], key
    assert only(theirs, "AWS::Lambda::EventSourceMapping")


def test_the_kits_writer_has_the_pinned_powertools_layer_in_its_region(
    templates: dict[str, Template],
) -> None:
    for lab_id in ("LabDdbStream", "LabStepFunction"):
        functions = resources(templates[lab_id], "AWS::Lambda::Function")
        layered = {
            logical: props(f).get("Layers") for logical, f in functions.items() if props(f).get("Layers")
        }
        (layers,) = layered.values()  # the writer only: the bucket cleaner needs no Powertools
        text = json.dumps(layers)
        assert '{"Ref": "AWS::Region"}' in text
        assert text.replace('", {"Ref": "AWS::Region"}, "', "us-east-1") == json.dumps(
            [{"Fn::Join": ["", [powertools_layer_arn("us-east-1")]]}]
        ).replace('["', '["').replace("]]}", "]]}")


def test_a_runtime_error_names_the_line_of_a_relative_starters_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "my-labs" / "LabAsg").mkdir(parents=True)
    (tmp_path / "my-labs" / "LabAsg" / "stack.py").write_text(BROKEN_ASG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from aws_cdk import App

    from labs.exercises.learner_stack import build_learner_stacks

    app = App(outdir=str(tmp_path / "cdk.out"))
    stacks = build_learner_stacks(app, LabSettings(now=FIXED_NOW, my_labs=Path("my-labs")))

    (message,) = errors_on(stacks["LabAsg"])
    assert message.startswith("MyLabAsg could not be built from my-labs/LabAsg/stack.py:7: ValueError")


def test_a_broken_handler_folder_is_an_error_of_the_function_labs_only(tmp_path: Path) -> None:
    from aws_cdk import App

    from labs.ddb_stream.stack import LabDdbStreamStack
    from labs.ec2.stack import LabEc2Stack

    (tmp_path / "handler.py").write_text("def handler(event, context):\n    return (\n", encoding="utf-8")
    settings = LabSettings.from_context({"handlerCode": str(tmp_path)}.get, {}, now=FIXED_NOW)
    app = App(outdir=str(tmp_path / "cdk.out"))

    function_lab = LabDdbStreamStack(app, settings=settings)
    other_lab = LabEc2Stack(app, settings=settings)

    def all_errors(stack: Any) -> list[str]:
        return [message for child in stack.node.find_all() for message in errors_on(child)]

    (message,) = all_errors(function_lab)
    assert f"{tmp_path / 'handler.py'} line 2 is not valid Python" in message
    assert all_errors(other_lab) == []
