#!/usr/bin/env python3
"""CDK entry point: read context and environment once, refuse non-sandbox accounts, build the labs
(and the learner's own `My<Lab>` stacks written by `labkit exercise`, when there are any, and the teacher's
`LabkitTeacherAccess`, when its settings are given)."""

from __future__ import annotations

import signal

# Ctrl-C ends the synth at once and quietly (the `cdk` launcher says so in one line), not in a traceback
signal.signal(signal.SIGINT, signal.SIG_DFL)

import os  # noqa: E402
import sys  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from aws_cdk import App, Stack  # noqa: E402

from labs.exercises.learner_stack import build_learner_stacks, learner_stack_ids  # noqa: E402
from labs.launcher import COMMAND_ENV, deploys_labs  # noqa: E402
from labs.launcher.selection import Selection  # noqa: E402
from labs.registry import lab_ids  # noqa: E402
from labs.settings import LabSettings, SettingsError  # noqa: E402
from labs.synthesis import build_labs  # noqa: E402
from labs.teacher_access.facts import STACK_ID as TEACHER_STACK_ID  # noqa: E402


def main() -> None:
    app = App()
    try:
        settings = LabSettings.from_context(
            app.node.try_get_context, os.environ, now=datetime.now(UTC), keys=app.node.get_all_context()
        )
        warning = settings.check_target_account()
    except SettingsError as error:
        print(f"labkit: {error}", file=sys.stderr)
        sys.exit(1)
    if warning and deploys_labs(os.environ.get(COMMAND_ENV)):
        print(warning, file=sys.stderr)
    # only what the CLI call selects (`cdk deploy LabEc2`: one lab's synth); no selection builds everything
    selection = Selection.from_environment(os.environ).resolve(
        [*lab_ids(), *learner_stack_ids(), TEACHER_STACK_ID]
    )
    build(app, settings, selection)
    if not selection.everything and not any(isinstance(child, Stack) for child in app.node.children):
        # it named a stack this app builds no more (My<Lab> without its file): the CLI meets the whole app
        build(app, settings, Selection())
    app.synth()


def build(app: App, settings: LabSettings, selection: Selection) -> None:
    """The selected labs, the learner's own stacks and the teacher's, into the app."""
    build_labs(app, settings, only=tuple(lab for lab in lab_ids() if selection.chooses(lab)))
    build_learner_stacks(app, settings, chosen=selection.chooses)
    if selection.chooses(TEACHER_STACK_ID):
        # not a lab: the teacher's role in a learner account, when its settings are given (teacherPrincipals)
        from labs.teacher_access.stack import build_teacher_access

        boundary = settings.permissions_boundary
        build_teacher_access(app, app.node.try_get_context, lab_ids=lab_ids(), permissions_boundary=boundary)


if __name__ == "__main__":
    main()
