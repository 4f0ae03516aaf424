"""EventBridge Scheduler on demand: fire a schedule's target now, as Scheduler would when its time comes.

The emulator's clock is the machine's, so an expiry hours away never comes; the admin call schedules/fire
(`labkit emulator expire`, the demo) asks for it instead. The target runs with the schedule's own role,
judged by services/iam/policy.py: a role that may not call the target's API fails the firing, which goes
to the schedule's dead-letter queue as Scheduler sends it. For a CloudFormation DeleteStack target, the
stack's deletion then runs with the stack's service role, or, when the stack has none, with the caller's (the
schedule role's) permissions, as CloudFormation does: a DeleteStack-only role then fails every delete.
"""

from __future__ import annotations

import json
import re
from typing import Any

from local_aws.admin_protocol import ScheduleFiring
from local_aws.moto_bridge import backend
from local_aws.services.cloudformation.stack_deletes import delete_stack_for
from local_aws.services.iam.policy import role_allows, trusts

SCHEDULER_PRINCIPAL = "scheduler.amazonaws.com"
_UNIVERSAL_TARGET = re.compile(
    r"^arn:[a-z-]+:scheduler:::aws-sdk:(?P<service>[a-z0-9]+):(?P<action>[A-Za-z]+)$"
)


def fire(account_id: str, region: str, name: str, group: str | None = None) -> ScheduleFiring:
    """Run the schedule's target now, with its role; the result says what happened and why."""
    scheduler = backend("scheduler", account_id, region)
    schedule = scheduler.get_schedule(group, name)
    schedule.labkit_fired = True  # a one-time schedule fires once, early or on time
    target: dict[str, Any] = schedule.target
    iam = backend("iam", account_id, region)
    role_arn = str(target.get("RoleArn", ""))
    try:
        role = iam.get_role_by_arn(role_arn)
    except Exception:  # the role was deleted: Scheduler cannot assume it
        return _failed(
            schedule, account_id, region, "AccessDenied", f"the schedule's role {role_arn} does not exist"
        )
    # what Scheduler states when it assumes the role (Scheduler user guide, "Confused deputy prevention")
    source_arn = f"arn:aws:scheduler:{region}:{account_id}:schedule-group/{group or 'default'}"
    context = {"aws:SourceAccount": [account_id], "aws:SourceArn": [source_arn]}
    if not trusts(role, SCHEDULER_PRINCIPAL, context):
        return _failed(
            schedule,
            account_id,
            region,
            "AccessDenied",
            f"role {role.name} does not trust {SCHEDULER_PRINCIPAL} for a schedule of {source_arn}",
        )
    match = _UNIVERSAL_TARGET.match(str(target.get("Arn", "")))
    if not match or (match["service"], match["action"]) != ("cloudformation", "deleteStack"):
        return _failed(
            schedule,
            account_id,
            region,
            "UnsupportedTarget",
            f"the emulator runs only CloudFormation DeleteStack targets, not {target.get('Arn')}",
        )
    stack_name = str(json.loads(target.get("Input") or "{}").get("StackName", ""))
    cloudformation = backend("cloudformation", account_id, region)
    try:
        stack = cloudformation.get_stack(stack_name)
    except Exception:
        return _failed(schedule, account_id, region, "ValidationError", f"stack {stack_name} does not exist")
    decision = role_allows(role, iam, "cloudformation:DeleteStack", stack.stack_id)
    if not decision.allowed:
        return _failed(schedule, account_id, region, "AccessDenied", decision.reason)
    return _delete_stack(schedule, cloudformation, stack, role, iam)


def _delete_stack(schedule: Any, cloudformation: Any, stack: Any, role: Any, iam: Any) -> ScheduleFiring:
    refused = delete_stack_for(
        cloudformation,
        stack,
        caller=f"arn:aws:sts::{stack.account_id}:assumed-role/{role.name}/scheduler",
        may_call=lambda action: role_allows(role, iam, action, "*").allowed,
    )
    if refused:
        return ScheduleFiring(schedule.name, "delete failed", refused, stack.status)
    status = stack.status
    runner = f"the stack's service role {stack.role_arn}" if stack.role_arn else "the schedule's role"
    detail = f"DeleteStack on {stack.name} ran with {runner}: {status}"
    return ScheduleFiring(
        schedule.name, "deleted" if status == "DELETE_COMPLETE" else "delete failed", detail, status
    )


def _failed(schedule: Any, account_id: str, region: str, code: str, message: str) -> ScheduleFiring:
    """Scheduler's own failure: after its retries the event goes to the dead-letter queue, if any."""
    dead_letter = (schedule.target.get("DeadLetterConfig") or {}).get("Arn")
    if dead_letter:
        _, _, _, queue_region, queue_account, queue = dead_letter.split(":", 5)
        sqs = backend("sqs", queue_account, queue_region)
        attributes = {
            "ERROR_CODE": code,
            "ERROR_MESSAGE": message,
            "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
            "RETRY_ATTEMPTS": str(schedule.target.get("RetryPolicy", {}).get("MaximumRetryAttempts", 0)),
            "SCHEDULE_ARN": schedule.arn,
            "TARGET_ARN": str(schedule.target.get("Arn", "")),
        }
        sqs.send_message(
            queue,
            schedule.target.get("Input") or "{}",
            message_attributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        )
    where = (
        f"; sent to its dead-letter queue {dead_letter}" if dead_letter else "; it has no dead-letter queue"
    )
    return ScheduleFiring(schedule.name, "target failed", f"{code}: {message}{where}")
