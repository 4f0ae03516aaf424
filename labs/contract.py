"""CDK-free facts that the stacks, the checks and the tooling share: lab ids, tag keys, stack names.

Importing this module costs nothing: `labkit check` and `labkit leftovers` read these facts without
loading the CDK, and the stacks write them, so both sides use the one definition here.
"""

from __future__ import annotations

from datetime import UTC, datetime

LAB_IDS = ("LabEc2", "LabAsg", "LabDdbStream", "LabStepFunction")

# on every lab stack and every taggable resource in it
TAG_LAB = "labkit:lab"
TAG_OWNER = "labkit:owner"
TAG_EXPIRES = "labkit:expires-at"
LAB_TAG_KEYS = (TAG_LAB, TAG_OWNER, TAG_EXPIRES)
OWNER_UNSET = "unset"
# the logical id prefix of each lab's expiry dead-letter queue: what Scheduler could not do lands there
EXPIRY_DEAD_LETTERS_PREFIX = "ExpiryDeadLetters"
# minute precision: the expiry schedule fires at a whole minute
EXPIRES_TAG_FORMAT = "%Y-%m-%dT%H:%MZ"
_EXPIRES_TAG_FORMATS = (EXPIRES_TAG_FORMAT, "%Y-%m-%dT%H:%M:%SZ")


def stack_name(lab_id: str, owner: str | None = None) -> str:
    """`alice-LabEc2` when an owner is set, else the lab id itself."""
    return f"{owner}-{lab_id}" if owner else lab_id


def owner_of(stack: str, lab_id: str) -> str | None:
    """The owner a lab's stack name carries (`alice` for `alice-LabEc2`), None without one."""
    return stack[: -len(lab_id) - 1] if stack.endswith(f"-{lab_id}") else None


def cdk_command(verb: str, lab_id: str, stack: str) -> str:
    """`cdk destroy LabEc2 -c owner=alice` for `alice-LabEc2`: without the owner, cdk acts on `LabEc2`."""
    owner = owner_of(stack, lab_id)
    return f"cdk {verb} {lab_id}" + (f" -c owner={owner}" if owner else "")


def expires_tag(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):{EXPIRES_TAG_FORMAT}}"


def parse_expires_tag(text: str) -> datetime | None:
    """`2030-01-01T08:00Z` (the kit's tag format) as an aware UTC datetime, or None if unreadable."""
    for pattern in _EXPIRES_TAG_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None
