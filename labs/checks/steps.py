"""Hints that teach: each names the hands-on's step (as the lab's spec.py lists them) and what is missing."""

from __future__ import annotations

from collections.abc import Sequence


def step_hint(steps: Sequence[str], number: int, todo: str) -> str:
    """`Step 2 of the hands-on (give the instance an Elastic IP): <what to do>`."""
    return f"Step {number} of the hands-on ({steps[number - 1]}): {todo}"
