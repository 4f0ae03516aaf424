"""A stack name the app does not know, after the CLI's "No stacks match": the nearest lab and `cdk ls`."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from labs.launcher.selection import selected_stacks


def unknown_stack_lines(args: Sequence[str]) -> list[str]:
    """One line per selected stack name (no wildcard) that names no lab, learner stack or kit stack."""
    from labs.registry import lab_ids
    from labs.shared_facts import learner_stack_id
    from labs.teacher_access.facts import STACK_ID as TEACHER_STACK_ID

    known = [*lab_ids(), *(learner_stack_id(lab_id) for lab_id in lab_ids()), TEACHER_STACK_ID]
    lines = []
    for name in selected_stacks(args) or []:
        if any(mark in name for mark in "*?[/") or name in known:
            continue
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        guess = f"did you mean {near[0]}? " if near else ""
        lines.append(f"cdk: no stack of the kit is named {name}: {guess}`cdk ls` lists them")
    return lines
