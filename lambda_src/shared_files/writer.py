"""The shared-files lab's writer: stages the reference table onto the shared file system on first use, and
writes a token.

A thin handler over shared_files.files: the invocation's answer says whether this invocation staged the table,
whether this execution environment is new (a cold start), and what its own /tmp held.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from typing import Any

from shared_files.files import keep_in_tmp, mount_path, parse_event, stage_reference, tmp_folder, write_token

# module level runs once per execution environment: its id, and how many invocations it has served
ENVIRONMENT = uuid.uuid4().hex[:8]
SERVED = {"invocations": 0}


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Stage the table if it is not there, keep a copy in /tmp, write the event's token if it has one."""
    request = parse_event(event)
    SERVED["invocations"] += 1
    root, now = mount_path(dict(os.environ)), datetime.now(UTC)
    answer: dict[str, Any] = {
        "function": "writer",
        "environment": ENVIRONMENT,
        "coldStart": SERVED["invocations"] == 1,
        "efs": stage_reference(root, environment=ENVIRONMENT, now=now),
        "tmp": keep_in_tmp(root, tmp_folder()),
    }
    if request.token:
        answer["token"] = write_token(root, request.token, environment=ENVIRONMENT, now=now)
    print(json.dumps(answer))
    return answer
