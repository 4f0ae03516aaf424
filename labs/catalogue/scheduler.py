"""Amazon EventBridge Scheduler's schedules (billed per invocation), the labs' expiry among them."""

from __future__ import annotations

from labs.catalogue.entry import ByUse, Free, Leftovers, ResourceType

SCHEDULE = ResourceType(
    cfn_type="AWS::Scheduler::Schedule",
    price=ByUse(),
    deploy_actions=(
        "scheduler:CreateSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
        "iam:PassRole",
    ),
    # labs/leftovers/by_name.py also finds expiry schedules by the stack their DeleteStack target names
    leftovers=Leftovers(tag_arn="scheduler:schedule"),
)
SCHEDULE_GROUP = ResourceType(
    cfn_type="AWS::Scheduler::ScheduleGroup",
    price=Free(),
    deploy_actions=(
        "scheduler:CreateScheduleGroup",
        "scheduler:DeleteScheduleGroup",
        "scheduler:GetScheduleGroup",
        "scheduler:TagResource",
    ),
    leftovers=Leftovers(tag_arn="scheduler:schedule-group"),
)
