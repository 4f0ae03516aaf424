"""EventBridge Scheduler parity fix: the lab's expiry schedule exists when CloudFormation creates it."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import UTC, datetime
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import backend, backends, moto_name, original, replace
from local_aws.services.cloudformation.resource_types import ResourceRequest, cloudformation_type
from local_aws.services.scheduler import firing


def _scheduler(account_id: str, region_name: str) -> Any:
    return backend("scheduler", account_id, region_name)


TICK_S = 1.0


def _epoch(value: str | None) -> float | None:
    return datetime.fromisoformat(value).timestamp() if value else None


def _settings(properties: dict[str, Any]) -> dict[str, Any]:
    """What a template's schedule sets, as Scheduler's CreateSchedule and UpdateSchedule both take it."""
    return {
        "description": properties.get("Description"),
        "end_date": _epoch(properties.get("EndDate")),
        "flexible_time_window": properties["FlexibleTimeWindow"],
        "kms_key_arn": properties.get("KmsKeyArn"),
        "schedule_expression": properties["ScheduleExpression"],
        "schedule_expression_timezone": properties.get("ScheduleExpressionTimezone"),
        "start_date": _epoch(properties.get("StartDate")),
        "state": properties.get("State"),
        "target": properties["Target"],
    }


def _create_schedule(request: ResourceRequest) -> Any:
    return _scheduler(request.account_id, request.region).create_schedule(
        **_settings(request.properties),
        group_name=request.properties.get("GroupName"),
        name=request.name,
        action_after_completion=None,
    )


def _update_schedule(schedule: Any, request: ResourceRequest) -> Any:
    """A new time or target keeps the schedule (and its name), as CloudFormation updates it."""
    _scheduler(request.account_id, request.region).update_schedule(
        **_settings(request.properties), group_name=schedule.group_name, name=schedule.name
    )
    return schedule


@parity_fix(
    "AWS::Scheduler::Schedule in CloudFormation",
    moto_does="has no CloudFormation model for schedules and skips the lab's expiry schedule",
    aws_does="creates the schedule (visible through the Scheduler API), updates it in place when a redeploy "
    "moves its time, and deletes it with the stack",
)
def scheduler_schedule_in_cloudformation() -> None:
    """Patches moto: AWS::Scheduler::Schedule in CloudFormation."""
    cloudformation_type(
        "AWS::Scheduler::Schedule",
        create=_create_schedule,
        physical_id=lambda schedule: str(schedule.name),
        attributes={"Arn": lambda schedule: str(schedule.arn)},
        update=_update_schedule,
        delete=lambda schedule, account_id, region: _scheduler(account_id, region).delete_schedule(
            schedule.group_name, schedule.name
        ),
        name_property="Name",
    )


def due(expression: str, timezone_name: str, now: datetime) -> bool:
    """True when a one-time `at(...)` expression's moment has come (other expressions never are, here)."""
    if not expression.startswith("at(") or not expression.endswith(")"):
        return False
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(expression[3:-1]).replace(tzinfo=ZoneInfo(timezone_name or "UTC"))
    return moment <= now


class DueSchedules(threading.Thread):
    """Fires each enabled one-time schedule once its time has come, as Scheduler does."""

    def __init__(self) -> None:
        super().__init__(name="due-schedules", daemon=True)

    def run(self) -> None:
        """Fire each enabled schedule once when it falls due, as EventBridge Scheduler would."""
        schedulers = backends("scheduler")
        while True:
            now = datetime.now(UTC)
            for account_id, account in list(schedulers.items()):
                for region, scheduler in list(account.items()):
                    for group in list(scheduler.schedule_groups.values()):
                        for schedule in list(group.schedules.values()):
                            if getattr(schedule, "labkit_fired", False) or schedule.state != "ENABLED":
                                continue
                            if due(schedule.schedule_expression, schedule.schedule_expression_timezone, now):
                                schedule.labkit_fired = True
                                # the failure is the stack's, not the clock's
                                with contextlib.suppress(Exception):
                                    firing.fire(account_id, region, schedule.name, group.name)
            time.sleep(TICK_S)


@parity_fix(
    "schedules fire when due",
    moto_does="stores schedules but never runs a target",
    aws_does="runs a one-time schedule's target when its time comes, with the schedule's role (the "
    "emulator's clock is the machine's: `labkit emulator expire` fires one early)",
)
def schedules_fire_when_due() -> None:
    """Patches moto: schedules fire when due."""
    backend_class = moto_name("scheduler.EventBridgeSchedulerBackend")
    original_update = original(backend_class, "update_schedule")

    def update_schedule(self: Any, **kwargs: Any) -> Any:
        # AWS: a schedule updated without a State is ENABLED (moto left it with none, so it never fired)
        return original_update(self, **{**kwargs, "state": kwargs.get("state") or "ENABLED"})

    replace(backend_class, "update_schedule", update_schedule)
    DueSchedules().start()


FIXES: tuple[ParityFix, ...] = (scheduler_schedule_in_cloudformation, schedules_fire_when_due)
