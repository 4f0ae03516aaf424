"""The shared-files lab's reader: reads what the writer staged on the shared file system, on every invocation.

A thin handler over shared_files.files: the answer shows the table found on the file system (staged by the
writer's environment, any time before), whether this environment's own /tmp had a copy (never after a cold
start), a country looked up in the table, and a token read back.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from shared_files.files import (
    keep_in_tmp,
    lookup,
    mount_path,
    parse_event,
    read_reference,
    read_token,
    tmp_folder,
)

NOT_STAGED = "invoke the writer first: it stages the table"
ENVIRONMENT = uuid.uuid4().hex[:8]
SERVED = {"invocations": 0}


def handler(event: Any, context: Any) -> dict[str, Any]:
    """What the shared file system holds, seen from this function, and what its own /tmp held."""
    request = parse_event(event)
    SERVED["invocations"] += 1
    root = mount_path(dict(os.environ))
    reference = read_reference(root)
    answer: dict[str, Any] = {
        "function": "reader",
        "environment": ENVIRONMENT,
        "coldStart": SERVED["invocations"] == 1,
        "efs": {"found": True, **reference} if reference else {"found": False, "next": NOT_STAGED},
        "tmp": keep_in_tmp(root, tmp_folder()),
    }
    if request.country and reference:
        answer["lookup"] = lookup(root, request.country)
    if request.token:
        answer["token"] = read_token(root, request.token)
    print(json.dumps(answer))
    return answer
