"""EventBridge sends this function every Spot event of the region; it writes only those of the lab's own
Auto Scaling group into the lab's log group, as EventBridge's log-group target would have written them.

Why a function: an EventBridge pattern cannot name a group's instances (their ids change, their tags are not
in the event), and a log-group target needs a CloudWatch Logs resource policy, of which an account holds ten
per region: one per lab stack stopped the eleventh learner of a shared class account. The function's
role writes to the log group with an identity policy, which needs no resource policy at all.
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
from botocore.exceptions import ClientError

from spot_events.environment import GROUP_NAME_TAG, FilterEnvironment

# instance id -> whether it is in the lab's group: the warning and the recommendation ask once
_MEMBERSHIP: dict[str, bool] = {}
_MEMBERSHIP_LIMIT = 1000
# created at the first event and reused by the warm environment's later ones
_CLIENTS: dict[str, Any] = {}


def group_of(ec2: Any, instance_id: str) -> str | None:
    """The Auto Scaling group that launched the instance, from the tag Auto Scaling puts on it, or None.

    Not DescribeAutoScalingInstances: a late delivery (a retry, a cold start) may come after the instance
    left the group, while its tag stays readable; no one else may write an `aws:` tag."""
    found = ec2.describe_tags(
        Filters=[
            {"Name": "resource-id", "Values": [instance_id]},
            {"Name": "key", "Values": [GROUP_NAME_TAG]},
        ]
    ).get("Tags", [])
    return str(found[0]["Value"]) if found else None


def is_own(ec2: Any, instance_id: str, group_name: str, memo: dict[str, bool]) -> bool:
    """Whether the instance is in `group_name`, asked once per instance."""
    if instance_id not in memo:
        if len(memo) >= _MEMBERSHIP_LIMIT:
            memo.clear()
        memo[instance_id] = group_of(ec2, instance_id) == group_name
    return memo[instance_id]


def write_event(logs: Any, log_group: str, event: dict[str, Any]) -> str:
    """The event as one log line, in a stream of its own (as EventBridge's target writes); the stream."""
    stream = str(event.get("id") or f"event-{time.time_ns()}")
    try:
        logs.create_log_stream(logGroupName=log_group, logStreamName=stream)
    except ClientError as error:
        # a retried delivery of the same event: its stream is there already
        if error.response.get("Error", {}).get("Code") != "ResourceAlreadyExistsException":
            raise
    message = json.dumps(event, separators=(",", ":"))
    logs.put_log_events(
        logGroupName=log_group,
        logStreamName=stream,
        logEvents=[{"timestamp": int(time.time() * 1000), "message": message}],
    )
    return stream


def forward(
    event: dict[str, Any],
    *,
    settings: FilterEnvironment,
    ec2: Any,
    logs: Any,
    memo: dict[str, bool],
) -> str:
    """Write the event to the log group when its instance is in the group; what was done, in words."""
    instance_id = str((event.get("detail") or {}).get("instance-id") or "")
    if not instance_id:
        return "ignored: the event names no instance"
    if not is_own(ec2, instance_id, settings.group_name, memo):
        return f"ignored: {instance_id} is not in {settings.group_name}"
    stream = write_event(logs, settings.log_group, event)
    return f"{event.get('detail-type')} for {instance_id} -> {settings.log_group} ({stream})"


def _clients() -> tuple[Any, Any]:
    if not _CLIENTS:
        _CLIENTS.update(ec2=boto3.client("ec2"), logs=boto3.client("logs"))
    return _CLIENTS["ec2"], _CLIENTS["logs"]


def handler(event: dict[str, Any], context: Any) -> str:
    """EventBridge's target: keep the lab group's Spot events, drop the rest of the region's."""
    ec2, logs = _clients()
    done = forward(event, settings=FilterEnvironment.read(), ec2=ec2, logs=logs, memo=_MEMBERSHIP)
    print(done)
    return done
