"""EventBridge Scheduler parity fix: the lab's expiry schedule exists when CloudFormation creates it."""

from __future__ import annotations

import contextlib
import importlib
import threading
import time
from datetime import UTC, datetime
from typing import Any

from labs.emulator.parity.base import ParityError, ParityFix, from_moto, original, parity_fix, replace


def _scheduler(account_id: str, region_name: str) -> Any:
    return from_moto("moto.scheduler.models", "scheduler_backends")[account_id][region_name]


TICK_S = 1.0


def _epoch(value: str | None) -> float | None:
    return datetime.fromisoformat(value).timestamp() if value else None


@parity_fix(
    "AWS::Scheduler::Schedule in CloudFormation",
    moto_does="has no CloudFormation model for schedules and skips the lab's expiry schedule",
    aws_does="creates the schedule (visible through the Scheduler API), updates it in place when a redeploy "
    "moves its time, and deletes it with the stack",
)
def scheduler_schedule_in_cloudformation() -> None:
    """Patches moto: AWS::Scheduler::Schedule in CloudFormation."""
    parsing = importlib.import_module("moto.cloudformation.parsing")
    base: Any = from_moto("moto.core.common_models", "CloudFormationModel")

    class CfnSchedule(base):  # type: ignore[misc]
        """AWS::Scheduler::Schedule, created in moto's own Scheduler backend so its API shows it."""

        def __init__(self, schedule: Any) -> None:
            self.schedule = schedule

        @property
        def physical_resource_id(self) -> str:
            return str(self.schedule.name)

        @staticmethod
        def cloudformation_name_type() -> str:
            return "Name"

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::Scheduler::Schedule"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "Arn"

        def get_cfn_attribute(self, attribute_name: str) -> str:
            return str(self.schedule.arn)

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kw: Any,
        ) -> CfnSchedule:
            properties = cloudformation_json["Properties"]
            schedule = _scheduler(account_id, region_name).create_schedule(
                description=properties.get("Description"),
                end_date=_epoch(properties.get("EndDate")),
                flexible_time_window=properties["FlexibleTimeWindow"],
                group_name=properties.get("GroupName"),
                kms_key_arn=properties.get("KmsKeyArn"),
                name=resource_name,
                schedule_expression=properties["ScheduleExpression"],
                schedule_expression_timezone=properties.get("ScheduleExpressionTimezone"),
                start_date=_epoch(properties.get("StartDate")),
                state=properties.get("State"),
                target=properties["Target"],
                action_after_completion=None,
            )
            return cls(schedule)

        @classmethod
        def update_from_cloudformation_json(
            cls,
            *,
            original_resource: CfnSchedule,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> CfnSchedule:
            """A new time or target keeps the schedule (and its name), as CloudFormation updates it."""
            properties = cloudformation_json["Properties"]
            schedule = original_resource.schedule
            _scheduler(account_id, region_name).update_schedule(
                description=properties.get("Description"),
                end_date=_epoch(properties.get("EndDate")),
                flexible_time_window=properties["FlexibleTimeWindow"],
                group_name=schedule.group_name,
                kms_key_arn=properties.get("KmsKeyArn"),
                name=schedule.name,
                schedule_expression=properties["ScheduleExpression"],
                schedule_expression_timezone=properties.get("ScheduleExpressionTimezone"),
                start_date=_epoch(properties.get("StartDate")),
                state=properties.get("State"),
                target=properties["Target"],
            )
            return original_resource

        @classmethod
        def delete_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            group = cloudformation_json.get("Properties", {}).get("GroupName")
            _scheduler(account_id, region_name).delete_schedule(group, resource_name)

        def delete(self, account_id: str, region_name: str) -> None:
            _scheduler(account_id, region_name).delete_schedule(self.schedule.group_name, self.schedule.name)

        def is_created(self) -> bool:
            return True

    # moto finds CloudFormation models through CloudFormationModel.__subclasses__(), cached on first use
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    if parsing.get_model_map().get("AWS::Scheduler::Schedule") is not CfnSchedule:
        raise ParityError("moto did not register the AWS::Scheduler::Schedule model")


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
        from labs.emulator import schedules

        backends = from_moto("moto.scheduler.models", "scheduler_backends")
        while True:
            now = datetime.now(UTC)
            for account_id, account in list(backends.items()):
                for region, backend in list(account.items()):
                    for group in list(backend.schedule_groups.values()):
                        for schedule in list(group.schedules.values()):
                            if getattr(schedule, "labkit_fired", False) or schedule.state != "ENABLED":
                                continue
                            if due(schedule.schedule_expression, schedule.schedule_expression_timezone, now):
                                schedule.labkit_fired = True
                                with contextlib.suppress(
                                    Exception
                                ):  # the failure is the stack's, not the clock's
                                    schedules.fire(account_id, region, schedule.name, group.name)
            time.sleep(TICK_S)


@parity_fix(
    "schedules fire when due",
    moto_does="stores schedules but never runs a target",
    aws_does="runs a one-time schedule's target when its time comes, with the schedule's role (the "
    "emulator's clock is the machine's: `labkit emulator expire` fires one early)",
)
def schedules_fire_when_due() -> None:
    """Patches moto: schedules fire when due."""
    backend_class = from_moto("moto.scheduler.models", "EventBridgeSchedulerBackend")
    original_update = original(backend_class, "update_schedule")

    def update_schedule(self: Any, **kwargs: Any) -> Any:
        # AWS: a schedule updated without a State is ENABLED (moto left it with none, so it never fired)
        return original_update(self, **{**kwargs, "state": kwargs.get("state") or "ENABLED"})

    replace(backend_class, "update_schedule", update_schedule)
    DueSchedules().start()


FIXES: tuple[ParityFix, ...] = (scheduler_schedule_in_cloudformation, schedules_fire_when_due)
