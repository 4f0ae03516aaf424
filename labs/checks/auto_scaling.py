"""What the checks of labs with an Auto Scaling group share: reading the group, waiting for its capacity."""

from __future__ import annotations

from typing import Any

from labs.checks.waiting import Waiter

# an instance on its way into service (Auto Scaling's lifecycle states)
PENDING_STATES = ("Pending", "Pending:Wait", "Pending:Proceed")


def in_service(group: dict[str, Any]) -> list[dict[str, Any]]:
    """The group's instances that are in service and healthy."""
    return [
        i
        for i in group.get("Instances", [])
        if i.get("LifecycleState") == "InService" and i.get("HealthStatus", "Healthy") == "Healthy"
    ]


def describe_members(group: dict[str, Any]) -> str:
    """The group's instances with their state and health, in one line."""
    members = []
    for instance in group.get("Instances", []):
        health = instance.get("HealthStatus", "Healthy")
        state = instance.get("LifecycleState", "?") + ("" if health == "Healthy" else f", {health}")
        members.append(f"{instance['InstanceId']} ({instance.get('AvailabilityZone', '?')}, {state})")
    return ", ".join(members) or "no instances"


def describe_group(autoscaling: Any, name: str) -> dict[str, Any] | None:
    """The Auto Scaling group of that name, or None."""
    groups = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return groups[0] if groups else None


def wait_for_capacity(
    autoscaling: Any, group: dict[str, Any], waiter: Waiter, *, what: str
) -> dict[str, Any] | None:
    """The group once `desired` instances are in service, None on timeout."""
    name, desired = group["AutoScalingGroupName"], group["DesiredCapacity"]

    def probe() -> tuple[dict[str, Any] | None, str]:
        current = describe_group(autoscaling, name)
        if current is None:
            return None, "the group is gone"
        healthy = in_service(current)
        status = f"{len(healthy)}/{desired} in service: {describe_members(current)}"
        return (current if len(healthy) >= desired else None), status

    return waiter.until(probe, what=what).value
