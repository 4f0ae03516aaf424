"""After a failed `cdk deploy` or `cdk destroy`: one line per lab stack that is stuck, naming the way out.

The CLI says "The stack named <stack> is in a failed state. You may need to delete it from the AWS console"
after a DELETE_FAILED destroy, and CloudFormation's "Stack:... is in DELETE_FAILED state and can not
be updated." after a deploy onto it; neither says how to get out. The stacks the command named (or every
lab's, when it named none) are asked for their state; only a failed command pays for that.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from labs.launcher.output import command_of, context_values
from labs.registry import lab_ids
from labs.settings import SettingsError, owner_from_cdk_json, parse_owner
from labs.shared_facts import learner_stack_id, stack_name

# the commands after whose failure a stuck stack is looked for
AFTER = frozenset({"deploy", "destroy"})


def named_stacks(args: Sequence[str], *, cwd: Path) -> list[tuple[str, str]]:
    """(stack name, lab id) of each lab stack the command names, or of every lab when it names none."""
    context = context_values(args)
    try:
        owner = parse_owner(context["owner"]) if "owner" in context else owner_from_cdk_json(cwd)
    except SettingsError:
        owner = None
    labs = {lab: lab for lab in lab_ids()} | {learner_stack_id(lab): lab for lab in lab_ids()}
    command = command_of(args)
    after = list(args)[list(args).index(command) + 1 :] if command is not None and command in args else []
    named = [arg for arg in after if arg in labs]
    chosen = named or [lab for lab in lab_ids()]
    return [(stack_name(construct_id, owner), labs[construct_id]) for construct_id in chosen]


def stuck_lines(args: Sequence[str], *, cwd: Path) -> list[str]:
    """`cdk: <the way out>` for each stack of the command that is stuck; [] when none, or AWS cannot tell."""
    if command_of(args) not in AFTER:
        return []
    from labs.deployed.session import session_from_environment
    from labs.deployed.stuck import way_out

    lines = []
    try:
        session = session_from_environment()
        for name, lab in named_stacks(args, cwd=cwd):
            found = way_out(session, name, lab_id=lab)
            if found is not None:
                lines.append(f"cdk: {found.line()}")
    except Exception:  # a hint only: the CLI's own error stands when AWS cannot be asked
        return lines
    return lines
