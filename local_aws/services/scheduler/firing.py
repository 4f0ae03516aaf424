"""EventBridge Scheduler on demand: fire a schedule's target now, as Scheduler would when its time comes.

The emulator's clock is the machine's, so an expiry hours away never comes; `labkit emulator expire` (and
the demo) ask for it instead. The target runs with the schedule's own role, judged by labs/emulator/
iam_policy: a role that may not call the target's API fails the firing, which goes to the schedule's
dead-letter queue as Scheduler sends it. For the kit's target, CloudFormation's DeleteStack, the stack's
deletion then runs with the stack's service role, or, when the stack has none, with the caller's (the
schedule role's) permissions, as CloudFormation does: a DeleteStack-only role then fails every delete.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from labs.emulator.iam_policy import role_allows, trusts

SCHEDULER_PRINCIPAL = "scheduler.amazonaws.com"
_UNIVERSAL_TARGET = re.compile(
    r"^arn:[a-z-]+:scheduler:::aws-sdk:(?P<service>[a-z0-9]+):(?P<action>[A-Za-z]+)$"
)
# the IAM action that deletes a resource of each type the labs create (the rest: <service>:Delete<Type>)
DELETE_ACTIONS = {
    "AWS::EC2::Instance": "ec2:TerminateInstances",
    "AWS::EC2::EIP": "ec2:ReleaseAddress",
    "AWS::EC2::VPCGatewayAttachment": "ec2:DetachInternetGateway",
    "AWS::EC2::SubnetRouteTableAssociation": "ec2:DisassociateRouteTable",
    "AWS::IAM::Policy": "iam:DeleteRolePolicy",
    "AWS::Lambda::EventSourceMapping": "lambda:DeleteEventSourceMapping",
    "AWS::Lambda::Function": "lambda:DeleteFunction",
    "AWS::S3::Bucket": "s3:DeleteBucket",
    "AWS::StepFunctions::StateMachine": "states:DeleteStateMachine",
}


@dataclass(frozen=True)
class Firing:
    """What firing a schedule did: `outcome` is deleted, delete failed or target failed."""

    schedule: str
    outcome: str
    detail: str
    stack_status: str = ""

    def as_json(self) -> dict[str, str]:
        """The firing as the emulator's admin API answers it."""
        return {
            "Schedule": self.schedule,
            "Outcome": self.outcome,
            "Detail": self.detail,
            "StackStatus": self.stack_status,
        }


def _moto(module: str, name: str) -> Any:
    import importlib

    return getattr(importlib.import_module(module), name)


def delete_action(resource_type: str) -> str:
    """The IAM action that deletes a resource of the CloudFormation type."""
    if resource_type in DELETE_ACTIONS:
        return DELETE_ACTIONS[resource_type]
    _, service, kind = ([*resource_type.split("::"), "", ""])[:3]
    return f"{service.lower()}:Delete{kind}"


def fire(account_id: str, region: str, name: str, group: str | None = None) -> Firing:
    """Run the schedule's target now, with its role; the result says what happened and why."""
    scheduler = _moto("moto.scheduler.models", "scheduler_backends")[account_id][region]
    schedule = scheduler.get_schedule(group, name)
    schedule.labkit_fired = True  # a one-time schedule fires once, early or on time
    target: dict[str, Any] = schedule.target
    iam = _moto("moto.iam.models", "iam_backends")[account_id]["aws"]
    role_arn = str(target.get("RoleArn", ""))
    try:
        role = iam.get_role_by_arn(role_arn)
    except Exception:  # the role was deleted: Scheduler cannot assume it
        return _failed(
            schedule, account_id, region, "AccessDenied", f"the schedule's role {role_arn} does not exist"
        )
    if not trusts(role, SCHEDULER_PRINCIPAL):
        return _failed(
            schedule,
            account_id,
            region,
            "AccessDenied",
            f"role {role.name} does not trust {SCHEDULER_PRINCIPAL}",
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
    cloudformation = _moto("moto.cloudformation.models", "cloudformation_backends")[account_id][region]
    try:
        stack = cloudformation.get_stack(stack_name)
    except Exception:
        return _failed(schedule, account_id, region, "ValidationError", f"stack {stack_name} does not exist")
    decision = role_allows(role, iam, "cloudformation:DeleteStack", stack.stack_id)
    if not decision.allowed:
        return _failed(schedule, account_id, region, "AccessDenied", decision.reason)
    return _delete_stack(schedule, cloudformation, stack, role, iam)


def _delete_stack(schedule: Any, cloudformation: Any, stack: Any, role: Any, iam: Any) -> Firing:
    if not stack.role_arn:
        # no service role: CloudFormation deletes each resource with the caller's credentials
        template = stack.resource_map._resource_json_map
        for logical_id in stack.resource_map._parsed_resources:
            kind = str(template.get(logical_id, {}).get("Type", ""))
            if not kind.startswith("AWS::"):
                continue
            action = delete_action(kind)
            decision = role_allows(role, iam, action, "*")
            if not decision.allowed:
                reason = (
                    f"User: arn:aws:sts::{stack.account_id}:assumed-role/{role.name}/scheduler is not "
                    "authorized "
                    f"to perform: {action} (the stack has no CloudFormation service role, so CloudFormation "
                    "used the caller's credentials)"
                )
                stack.status = "DELETE_FAILED"
                stack._add_stack_event("DELETE_FAILED", resource_status_reason=reason)
                return Firing(schedule.name, "delete failed", reason, stack.status)
    cloudformation.delete_stack(stack.stack_id)
    status = stack.status
    runner = f"the stack's service role {stack.role_arn}" if stack.role_arn else "the schedule's role"
    detail = f"DeleteStack on {stack.name} ran with {runner}: {status}"
    return Firing(
        schedule.name, "deleted" if status == "DELETE_COMPLETE" else "delete failed", detail, status
    )


def _failed(schedule: Any, account_id: str, region: str, code: str, message: str) -> Firing:
    """Scheduler's own failure: after its retries the event goes to the dead-letter queue, if any."""
    dead_letter = (schedule.target.get("DeadLetterConfig") or {}).get("Arn")
    if dead_letter:
        _, _, _, queue_region, queue_account, queue = dead_letter.split(":", 5)
        sqs = _moto("moto.sqs.models", "sqs_backends")[queue_account][queue_region]
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
    return Firing(schedule.name, "target failed", f"{code}: {message}{where}")
