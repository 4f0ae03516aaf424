"""LabStepFunction's facts, shared by its stack and its check without loading the CDK."""

from __future__ import annotations

LAB_ID = "LabStepFunction"
WAIT_SECONDS = 5
SAMPLE_INPUT = {"userId": "u-200", "name": "Grace Hopper", "email": "grace@example.com"}


def sample_input(user_id: str) -> dict[str, str]:
    """The sample user under another id, so each check's row is its own."""
    return {**SAMPLE_INPUT, "userId": user_id}


# the hands-on's steps in the course's order (the state machine is the kit's; the function is the
# learner's): the starter handler's TODOs and the check's hints name them
STEPS = (
    "print the input the state machine sends to the function",
    "write it to the bucket as CSV (boto3 put_object)",
)
