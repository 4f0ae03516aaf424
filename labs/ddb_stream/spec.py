"""LabDdbStream's facts, shared by its stack (outputs, mapping) and its check without loading the CDK."""

from __future__ import annotations

import json

LAB_ID = "LabDdbStream"
PARTITION_KEY = "userId"
STREAM_BATCH_SIZE = 100
STREAM_RETRY_ATTEMPTS = 2
SAMPLE_USER = {"userId": "u-100", "name": "Ada Lovelace", "email": "ada@example.com"}


def user_item(user: dict[str, str]) -> dict[str, dict[str, str]]:
    """A user as DynamoDB's typed item JSON: every attribute a string (`{"S": ...}`)."""
    return {name: {"S": value} for name, value in user.items()}


def new_user(user_id: str) -> dict[str, str]:
    """The sample user under another id, so each check writes a row of its own."""
    return {**SAMPLE_USER, PARTITION_KEY: user_id, "email": f"{user_id}@example.com"}


def sample_item(user_id: str) -> dict[str, dict[str, str]]:
    """The sample user under another id, as the item PutItem writes (`labkit watch` puts one per edit)."""
    return user_item(new_user(user_id))


# what the PutItemCommand output pastes: compact, in the attribute order above
SAMPLE_ITEM = json.dumps(user_item(SAMPLE_USER), separators=(",", ":"))

# the hands-on's steps in the course's order: the starter handler's TODOs and the check's hints name them
STEPS = (
    "print the event the table's stream sends to the function",
    "write the new items to the bucket as CSV (boto3 put_object)",
)
