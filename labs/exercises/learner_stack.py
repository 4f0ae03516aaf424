"""A learner's own lab stack (`My<Lab>`), built in app.py from <myLabs>/<Lab>/stack.py with the guardrails.

The learner's module is their code, imported by file path. A module that is broken (it does not import,
lacks its class, raises while building, or builds what CDK's validation refuses) becomes an empty stack of
that name carrying an error: `cdk deploy My<Lab>` stops with the file, line (or construct path) and reason,
and every other stack of the app still deploys.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from aws_cdk import Annotations, App, Stack
from constructs import Construct

from labs.constructs.lab_stack import LabStack
from labs.registry import all_labs
from labs.settings import LabSettings
from labs.shared_facts import learner_stack_id

STACK_FILE = "stack.py"


def stack_labs() -> tuple[str, ...]:
    """The labs whose starter is a whole stack (a handler starter deploys with -c handlerCode=<dir>)."""
    return tuple(
        lab_id
        for lab_id, described in all_labs().items()
        if described.starter is not None and described.starter.kind == "stack"
    )


class LearnerStackError(RuntimeError):
    """The learner's module does not give the stack the kit expects; the message says what to change."""


class LearnerLabStack(LabStack):
    """The base of `My<Lab>`: named `<owner>-My<Lab>`, tagged as the lab, deleted after ttlHours."""

    def __init__(self, scope: Construct, lab_id: str, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            lab_id,
            settings=settings,
            description=f"your own {lab_id}, written from `labkit exercise {lab_id}`",
            construct_id=learner_stack_id(lab_id),
        )


def learner_module_path(settings: LabSettings, lab_id: str) -> Path:
    """Where a learner's own stack module for the lab lives."""
    return settings.my_labs / lab_id / STACK_FILE


def learner_stack_ids() -> tuple[str, ...]:
    """The construct ids a learner's own stacks can have (`My<Lab>` of each stack lab)."""
    return tuple(learner_stack_id(lab_id) for lab_id in stack_labs())


def build_learner_stacks(
    app: App, settings: LabSettings, *, chosen: Callable[[str], bool] = lambda _id: True
) -> dict[str, Stack]:
    """`My<Lab>` for each stack lab whose starter the learner has written (and that `chosen` selects);
    nothing when there is none."""
    return {
        lab_id: learner_stack(app, settings, lab_id, path)
        for lab_id in stack_labs()
        if chosen(learner_stack_id(lab_id)) and (path := learner_module_path(settings, lab_id)).is_file()
    }


def _load(path: Path, lab_id: str) -> ModuleType:
    name = f"labkit_my_labs_{lab_id.lower()}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has a loader
        raise LearnerStackError(f"{path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and typing in the learner's module look themselves up
    spec.loader.exec_module(module)
    return module


def learner_stack(app: App, settings: LabSettings, lab_id: str, path: Path) -> Stack:
    """The learner's stack, or a stack of the same name whose error tells them what to fix."""
    stack_id = learner_stack_id(lab_id)
    kit_constructs = {child.node.id for child in app.node.children}
    try:
        module = _load(path, lab_id)
        stack_class = getattr(module, stack_id, None)
        if stack_class is None:
            raise LearnerStackError(f"it defines no class {stack_id} (the name `cdk deploy {stack_id}` uses)")
        stack = stack_class(app, settings=settings)
        if not isinstance(stack, LearnerLabStack):
            raise LearnerStackError(
                f"{stack_id} must derive from LearnerLabStack, which adds the kit's guardrails "
                "(stack name, tags, expiry)"
            )
        if problems := validation_errors(stack):
            raise LearnerStackError("CDK refuses it: " + "; ".join(problems))
        return stack
    except Exception as error:  # the learner's code: any error becomes their stack's error, not the app's
        # what else the learner's code put on the app (a second stack) goes too: it could fail the synth
        for child in list(app.node.children):
            if child.node.id not in kit_constructs and child.node.id != stack_id:
                app.node.try_remove_child(child.node.id)
        return broken_stack(app, settings, stack_id, path, error)


def validation_errors(stack: Stack) -> list[str]:
    """What CDK's validation refuses in the stack, `[path] message` each. The app's synth validates every
    stack at once and stops on the first refusal, so a learner's empty policy statement would stop the
    kit's labs too: asked here, it fails the learner's stack alone."""
    return [f"[{c.node.path}] {message}" for c in stack.node.find_all() for message in c.node.validate()]


def where(path: Path, error: BaseException) -> str:
    """`my-labs/<Lab>/stack.py:12` for the line of the learner's file the error came from."""
    if isinstance(error, SyntaxError) and error.lineno:
        return f"{path}:{error.lineno}"
    # Python names the module's frames by their absolute path, the learner's setting may be relative
    learner_file = path.resolve()
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(error.__traceback__)
        if Path(frame.filename).resolve() == learner_file
    ]
    return f"{path}:{lines[-1]}" if lines else str(path)


def broken_stack(app: App, settings: LabSettings, stack_id: str, path: Path, error: BaseException) -> Stack:
    """A stack that says why the learner's module could not be built."""
    reason = (error.msg if isinstance(error, SyntaxError) else str(error)).rstrip(".")
    message = (
        f"{stack_id} could not be built from {where(path, error)}: {type(error).__name__}: {reason}. "
        f"Fix it and deploy again; the kit's own labs deploy as before."
    )
    found = app.node.try_find_child(stack_id)
    stack = (
        found if isinstance(found, Stack) else Stack(app, stack_id, stack_name=settings.stack_name(stack_id))
    )
    # what the learner's code built before it failed could still fail the app's synth: drop it
    for child in list(stack.node.children):
        stack.node.try_remove_child(child.node.id)
    Annotations.of(stack).add_error(message)
    return stack
