"""A Spot interruption on demand, as EC2 (or AWS FIS's aws:ec2:send-spot-instance-interruptions) runs one.

What AWS does (EC2 user guide: spot-instance-termination-notices, rebalance-recommendations; Auto Scaling
user guide: ec2-auto-scaling-capacity-rebalancing):
- EC2 puts an `EC2 Instance Rebalance Recommendation` event (it may come with the warning, never after it)
  and an `EC2 Spot Instance Interruption Warning` event (`instance-action`: terminate) on the default bus,
  from source aws.ec2, two minutes before the interruption; the Spot request is `marked-for-termination`;
- a group with capacity rebalancing launches a replacement Spot instance on the recommendation, in another
  pool, and terminates the old one once the new one has passed its health checks (the emulator: at the end
  of the warning); without it, the group replaces the instance once it has terminated;
- after the two minutes EC2 terminates the instance; its one-time request closes as
  `instance-terminated-no-capacity`.
The emulator does the same, with a warning of `warning_s` seconds (10 by default, or the admin call's
WarningSeconds, or LABKIT_SPOT_WARNING_S) instead of 120.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from local_aws.admin_protocol import SpotInterruption
from local_aws.aws_facts import EC2_EVENT_SOURCE, INTERRUPTION_WARNING, REBALANCE_RECOMMENDATION
from local_aws.moto_bridge import backend, moto_name, set_spot_request_code
from local_aws.services.ec2.spot import (
    INTERRUPTED_CAUSE,
    REBALANCE_LAUNCH_CAUSE,
    REBALANCE_TERMINATE_CAUSE,
    SPOT,
    launch_into_group,
    record_activity,
)
from local_aws.settings import SettingError, warning_seconds


class InterruptionError(ValueError):
    """The instance cannot be interrupted: the message says why, as FIS or EC2 would."""


def _event(
    instance: Any, account_id: str, region: str, detail_type: str, detail: dict[str, str]
) -> dict[str, Any]:
    return {
        "Source": EC2_EVENT_SOURCE,
        "DetailType": detail_type,
        "Detail": json.dumps(detail),
        "Resources": [f"arn:aws:ec2:{region}:{account_id}:instance/{instance.id}"],
        "EventBusName": "default",
    }


def _request_of(ec2: Any, instance: Any) -> Any:
    request_id = getattr(instance, "spot_instance_request_id", None)
    return ec2.spot_instance_requests.get(request_id) if request_id else None


def _mark(request: Any, code: str, message: str, *, state: str | None = None) -> None:
    if request is None:
        return
    set_spot_request_code(request, code)
    request.status_message = message
    if state:
        request.state = state
    if hasattr(request, "labkit_updated"):
        request.labkit_updated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def default_warning_s() -> float:
    """The rehearsal's warning time: LABKIT_SPOT_WARNING_S when it is a number of seconds, else 10 s."""
    try:
        return warning_seconds()
    except SettingError as error:
        raise InterruptionError(str(error)) from None


def interrupt(
    account_id: str, region: str, instance_id: str, warning_s: float | None = None
) -> SpotInterruption:
    """Send the warning now and terminate `instance_id` after `warning_s` seconds; the group replaces it."""
    warning_s = default_warning_s() if warning_s is None else float(warning_s)
    if not 0 <= warning_s <= 3600:
        raise InterruptionError(f"the warning time must be 0 to 3600 seconds, not {warning_s:g}")
    ec2 = backend("ec2", account_id, region)
    try:
        instance = ec2.get_instance(instance_id)
    except Exception:
        raise InterruptionError(f"no instance {instance_id} in {region}") from None
    if getattr(instance, "lifecycle", None) != SPOT:
        raise InterruptionError(f"{instance_id} is an on-demand instance: EC2 interrupts only Spot instances")
    if instance.state != "running":
        raise InterruptionError(f"{instance_id} is {instance.state}, not running")
    if getattr(instance, "labkit_interrupted_at", None):
        raise InterruptionError(f"{instance_id} has had its interruption warning already")
    interrupt_at = datetime.now(UTC) + timedelta(seconds=warning_s)
    instance.labkit_interrupted_at = interrupt_at
    group = getattr(instance, "autoscaling_group", None)
    if group is not None:
        # the pool is short of capacity: replacements come from another pool
        group.labkit_unavailable_pools = getattr(group, "labkit_unavailable_pools", set()) | {
            (instance.instance_type, instance.availability_zone)
        }
    events = backend("events", account_id, region)
    events.put_events(
        [
            _event(instance, account_id, region, REBALANCE_RECOMMENDATION, {"instance-id": instance.id}),
            _event(
                instance,
                account_id,
                region,
                INTERRUPTION_WARNING,
                {"instance-id": instance.id, "instance-action": "terminate"},
            ),
        ]
    )
    _mark(
        _request_of(ec2, instance),
        "marked-for-termination",
        f"Your Spot Instance is marked for termination at {interrupt_at:%Y-%m-%dT%H:%M:%S}Z.",
    )
    replacement = None
    if group is not None and group.capacity_rebalance:
        replacement = launch_into_group(group, _group_tags(group), cause=REBALANCE_LAUNCH_CAUSE).id
    timer = threading.Timer(
        warning_s, _terminate, args=(account_id, region, instance.id, replacement is not None)
    )
    timer.daemon = True
    timer.start()
    return SpotInterruption(
        instance.id,
        f"{interrupt_at:%Y-%m-%dT%H:%M:%S}Z",
        warning_s,
        replacement,
        (REBALANCE_RECOMMENDATION, INTERRUPTION_WARNING),
    )


def _group_tags(group: Any) -> dict[str, str]:
    name_tag = moto_name("autoscaling.ASG_NAME_TAG")
    return {**group.get_propagated_tags(), name_tag: group.name, **group.instance_tags}


def _terminate(account_id: str, region: str, instance_id: str, rebalanced: bool) -> None:
    """The end of the warning: EC2 terminates the instance; the group replaces it unless it already has."""
    ec2 = backend("ec2", account_id, region)
    instance = ec2.get_instance(instance_id)
    if instance.state in ("terminated", "shutting-down"):
        return
    group = getattr(instance, "autoscaling_group", None)
    if group is not None:
        cause = REBALANCE_TERMINATE_CAUSE if rebalanced else INTERRUPTED_CAUSE
        record_activity(group, instance, launching=False, cause=cause)
    if group is not None and rebalanced:
        # capacity rebalancing launched the replacement already: the group lets this one go
        group.instance_states = [s for s in group.instance_states if s.instance.id != instance_id]
    ec2.terminate_instances([instance_id])
    _mark(
        _request_of(ec2, instance),
        "instance-terminated-no-capacity",
        "Your Spot Instance was terminated because there is no Spot capacity available that matches your "
        "request.",
        state="closed",
    )
    if group is not None and not rebalanced:
        backend("autoscaling", account_id, region).notify_terminate_instances([instance_id])
