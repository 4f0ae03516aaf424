"""The check's hints: each names the hands-on step it is about, and the kit's solution to compare with."""

from __future__ import annotations

from labs.checks.steps import step_hint
from labs.spot.spec import STEPS

SOLUTION = "labs/spot/stack.py"


def hint(number: int, todo: str) -> str:
    """The hint that points to the lab's hands-on step of that number."""
    return step_hint(STEPS, number, todo)
