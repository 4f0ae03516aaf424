"""What .venv/bin/cdk runs: the pinned CDK CLI on the venv's Node, in a process group of its own.

Ctrl-C, `timeout` or a hang-up stop the CLI and everything it started (the app, jsii's Node kernel) together,
their temporary files go with them, and each owner's synth gets an output folder of its own.
"""

from __future__ import annotations

# the CLI command the launcher runs, in the environment of the app it synthesizes (app.py reads it)
COMMAND_ENV = "LABKIT_CDK_COMMAND"
# commands that deploy nothing of the labs: the sandboxAccounts warning is noise there
DEPLOYS_NOTHING = frozenset({"bootstrap", "destroy", "ls", "list", "context", "doctor", "gc", "notices"})
# commands that call AWS (synth and ls do not: CI synthesizes with no credentials)
TALKS_TO_AWS = frozenset(
    {"deploy", "destroy", "bootstrap", "diff", "watch", "import", "rollback", "gc", "drift", "refactor"}
)


def deploys_labs(command: str | None) -> bool:
    """False for a CLI command that deploys no lab (bootstrap, destroy, ls); True when unknown."""
    return command not in DEPLOYS_NOTHING
