"""Every lab that takes the learner's handler (`-c handlerCode`) grades that code or refuses to deploy.

Proved over the registry, so a lab added later (a handler starter in its descriptor) cannot fall back to the
kit's own solution: a good folder's code runs in the lab's functions in place of the kit's; a folder that is
not there, does not compile or imports what Python cannot find is an error of that lab's stack, naming the
file and the line, while the labs that take no handler still build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from labs.cdk_json import feature_flags
from labs.handler_code import handler_labs
from labs.registry import lab, lab_ids
from labs.settings import LabSettings
from labs.shared_facts import LEARNER_HANDLER
from tests.synth import CDK_GROUP, FIXED_NOW, resources, synthesize

pytestmark = CDK_GROUP
MARKER = "# the learner's own handler, 3f9c1e"
GOOD = f"{MARKER}\nimport json\n\n\ndef handler(event, context):\n    return {{}}\n"


def settings_for(handler_code: str) -> LabSettings:
    return LabSettings.from_context({"handlerCode": handler_code}.get, {}, now=FIXED_NOW)


def errors_on(stack: Any) -> list[str]:
    """Error annotations anywhere in the stack (the CLI refuses to synthesize or deploy that stack)."""
    return [str(e.data) for c in stack.node.find_all() for e in c.node.metadata if e.type == "aws:cdk:error"]


def functions(template: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Logical id -> (handler, code's asset key) of each Lambda function."""
    return {
        logical_id: (str(f["Properties"]["Handler"]), str(f["Properties"]["Code"]["S3Key"]))
        for logical_id, f in resources(template, "AWS::Lambda::Function").items()
    }


def test_some_labs_take_the_learners_handler() -> None:
    assert {"LabDdbStream", "LabStepFunction", "LabColdStart"} <= set(handler_labs())


def test_every_handler_lab_runs_the_learners_code_and_never_the_kits(
    tmp_path: Path, templates: dict[str, dict[str, Any]]
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "handler.py").write_text(GOOD, encoding="utf-8")

    synthesized = synthesize(settings_for(str(folder)))
    learner_templates = synthesized.templates()
    outdir = Path(synthesized.assembly.directory)

    for lab_id in handler_labs():
        kit, learner = functions(templates[lab_id]), functions(learner_templates[lab_id])
        replaced = {logical_id for logical_id in kit if kit[logical_id] != learner.get(logical_id)}
        runs_learner_code = {
            logical_id
            for logical_id, (handler, key) in learner.items()
            if handler == LEARNER_HANDLER
            and MARKER in (outdir / f"asset.{key.removesuffix('.zip')}" / "handler.py").read_text()
        }
        assert runs_learner_code, f"{lab_id} runs none of the learner's code"
        assert runs_learner_code == replaced, lab_id
        # the kit's solution (its handler in its code) runs nowhere in the learner's lab
        assert not {kit[logical_id] for logical_id in replaced} & set(learner.values()), lab_id
        assert errors_on(synthesized.stacks[lab_id]) == [], lab_id
    for lab_id in set(lab_ids()) - set(handler_labs()):
        assert functions(learner_templates[lab_id]) == functions(templates[lab_id]), lab_id


@pytest.mark.parametrize(
    ("files", "setting", "named"),
    [
        ({"handler.py": "def handler(event, context):\n    return (\n"}, "mine", "handler.py line 2 is not"),
        ({"handler.py": "import json\nreturn 1\n"}, "mine", "handler.py line 2 is not valid Python"),
        (
            {"handler.py": "import boto4\n\ndef handler(event, context):\n    return {}\n"},
            "mine",
            "handler.py line 1 imports boto4, which Python cannot find",
        ),
        (
            {"handler.py": "from rows import write\n\ndef handler(event, context):\n    return {}\n",
             "rows.py": "def write(:\n"},
            "mine",
            "rows.py line 1 is not valid Python",
        ),
        ({"handler.py": GOOD}, "mien/LabX", "is not a folder: did you mean"),
        ({"handler.py": GOOD}, "nowhere/LabX", "is not a folder: write one with `labkit exercise"),
    ],
)  # fmt: skip
def test_a_folder_that_cannot_be_used_stops_every_handler_lab_and_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], setting: str, named: str
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "mine" / "LabX" if "/" in setting else tmp_path / "mine"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")

    from aws_cdk import App

    settings = settings_for(setting)
    app = App(context=feature_flags())
    # the handler labs and one that takes no handler, built (the refusal is made as the stack is built)
    other = next(lab_id for lab_id in lab_ids() if lab_id not in handler_labs())
    stacks = {lab_id: lab(lab_id).stack()(app, settings=settings) for lab_id in [*handler_labs(), other]}

    for lab_id in handler_labs():
        (message,) = errors_on(stacks[lab_id])
        assert message.startswith(f"handlerCode={setting!r}"), message
        assert named in message, message
        assert message.endswith("Fix it and deploy again.")
    assert errors_on(stacks[other]) == []


def test_a_handler_folder_given_to_a_lab_that_runs_none_is_said_to_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "my-labs" / "LabBatch"
    folder.mkdir(parents=True)
    (folder / "handler.py").write_text(GOOD, encoding="utf-8")
    from aws_cdk import App

    app = App(context=feature_flags())
    batch = lab("LabBatch").stack()(app, settings=settings_for("my-labs/LabBatch"))
    ec2 = lab("LabEc2").stack()(app, settings=settings_for("my-labs/LabBatch"))

    warnings = {
        lab_id: [
            str(e.data) for c in stack.node.find_all() for e in c.node.metadata if e.type == "aws:cdk:warning"
        ]
        for lab_id, stack in {"LabBatch": batch, "LabEc2": ec2}.items()
    }

    assert errors_on(batch) == []  # deployed as the kit's lab, as before
    assert any(
        w.startswith(
            "LabBatch runs no handler of yours, so -c handlerCode changes nothing in it: its exercise "
            "is a whole stack: labkit exercise LabBatch, then cdk deploy MyLabBatch"
        )
        for w in warnings["LabBatch"]
    ), warnings
    assert any(w.startswith("LabEc2 runs no handler of yours") for w in warnings["LabEc2"]), warnings
