"""A custom resource's answer to CloudFormation (the custom resource protocol's response object), shared by
the kit's custom resource functions: bucket_cleaner and object_writer."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

# CloudFormation shows at most this much of a reason
REASON_CHARS = 1000


def send(event: dict[str, Any], status: str, reason: str, physical_id: str) -> None:
    """PUT the answer (SUCCESS or FAILED, with its reason) to the request's pre-signed response URL."""
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:REASON_CHARS],
            "PhysicalResourceId": physical_id,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - CloudFormation's pre-signed https response URL
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""}
    )
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310
        pass


def answer(
    event: dict[str, Any], status: str, reason: str, physical_id: str, logger: logging.Logger, **fields: Any
) -> None:
    """Log the request, `fields`, the status and the reason as one JSON line (an error when FAILED), then
    send the answer."""
    log = logger.info if status == "SUCCESS" else logger.error
    log(json.dumps({"request": event.get("RequestType"), **fields, "status": status, "result": reason}))
    send(event, status, reason, physical_id)
