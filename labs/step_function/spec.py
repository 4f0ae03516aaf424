"""LabStepFunction's facts, shared by its stack and its check without loading the CDK."""

from __future__ import annotations

LAB_ID = "LabStepFunction"
WAIT_SECONDS = 5
SAMPLE_INPUT = {"userId": "u-200", "name": "Grace Hopper", "email": "grace@example.com"}


def sample_input(user_id: str) -> dict[str, str]:
    """The sample user under another id, so each check's row is its own."""
    return {**SAMPLE_INPUT, "userId": user_id}
