"""CloudFormation parity fixes for a stack's life after a change set: outputs returned, a failed deploy
reported on the stack (rolled back as CloudFormation does), and every resource listed with its logical id."""

from __future__ import annotations

import functools
import logging
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import (
    add_stack_event,
    created_resources,
    moto_name,
    original,
    refresh_stack_outputs,
    replace,
    request_param,
    template_resources,
)
from local_aws.services.cloudformation.change_sets import find_change_set
from local_aws.services.cloudformation.stack_deletes import StackDeleteFailedError, add_resource_event


class UpdateRolledBackError(RuntimeError):
    """An update failed and was rolled back (stack_updates.py); the message says why."""


@parity_fix(
    "stack outputs after a change set",
    moto_does="returns no Outputs for a stack created through a change set (how the CDK CLI deploys)",
    aws_does="returns the template's Outputs once the change set has run",
)
def stack_outputs_after_change_set() -> None:
    """Patches moto: stack outputs after a change set."""
    backend_class = moto_name("cloudformation.CloudFormationBackend")
    original_execute = original(backend_class, "execute_change_set")

    @functools.wraps(original_execute)
    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        original_execute(self, change_set_name, stack_name)
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        # moto built the stack's outputs from the empty template the change set started with
        stack.template_dict = change_set.template_dict
        stack.description = change_set.template_dict.get("Description")
        refresh_stack_outputs(stack)

    replace(backend_class, "execute_change_set", execute_change_set)


@parity_fix(
    "a failed deploy is reported on the stack",
    moto_does="answers ExecuteChangeSet with an internal server error when a resource cannot be created or "
    "updated, and leaves the stack in progress with whatever it made",
    aws_does="accepts the change set, marks the stack failed with the resource's reason in its events, and "
    "rolls a failed create back (ROLLBACK_COMPLETE; ROLLBACK_FAILED, with what it could not delete kept in "
    "the stack and named in DELETE_FAILED events, when the rollback fails: 'Unsuccessful removal of one or "
    "more stacks after a failed stack creation', user guide, Stack status codes)",
    # it wraps the execute that returns outputs: a failure of that one is reported too
    after=("cloudformation.stack_outputs_after_change_set",),
)
def failed_deploy_is_reported() -> None:
    """Patches moto: a failed deploy is reported on the stack."""
    backend_class = moto_name("cloudformation.CloudFormationBackend")
    original_execute = original(backend_class, "execute_change_set")

    @functools.wraps(original_execute)
    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = find_change_set(self, change_set_name, stack_name)
        try:
            original_execute(self, change_set_name, stack_name)
        except Exception as error:  # whatever a resource raised is the stack's failure reason
            # the emulator's log keeps the whole story for whoever debugs the emulator itself
            logging.getLogger("labkit.emulator").exception("change set %s failed", change_set_name)
            stack = self.stacks[change_set.stack_id]
            reason = (
                str(error) if isinstance(error, UpdateRolledBackError) else f"{type(error).__name__}: {error}"
            )
            change_set.execution_status = "EXECUTE_FAILED"
            if change_set.change_set_type == "CREATE":
                add_stack_event(stack, "CREATE_FAILED", reason)
                add_stack_event(stack, "ROLLBACK_IN_PROGRESS", reason)
                stack.status = "ROLLBACK_IN_PROGRESS"
                try:
                    stack.resource_map.delete()
                    stack.status = "ROLLBACK_COMPLETE"
                except StackDeleteFailedError as rollback:  # what it could not delete stays, as on AWS
                    for failure in rollback.failures:
                        add_resource_event(stack, failure, "DELETE_FAILED", failure.reason)
                    stack.status, reason = "ROLLBACK_FAILED", str(rollback)
                except Exception as rollback:
                    stack.status = "ROLLBACK_FAILED"
                    reason = f"{type(rollback).__name__}: {rollback}"
            elif isinstance(error, UpdateRolledBackError):
                add_stack_event(stack, "UPDATE_FAILED", reason)
                add_stack_event(stack, "UPDATE_ROLLBACK_IN_PROGRESS", reason)
                stack.status = "UPDATE_ROLLBACK_COMPLETE"
            else:
                # the emulator could not restore the previous resources: say so instead of pretending
                add_stack_event(stack, "UPDATE_FAILED", reason)
                stack.status = "UPDATE_ROLLBACK_FAILED"
            add_stack_event(stack, stack.status, reason)

    replace(backend_class, "execute_change_set", execute_change_set)


def resource_summaries(stack: Any) -> list[dict[str, Any]]:
    """One summary per resource of the stack's template, each with its logical id and type."""
    resource_map, summaries = stack.resource_map, []
    # a resource a failed delete left: DELETE_FAILED with its reason, as ListStackResources shows it
    statuses: dict[str, tuple[str, str]] = getattr(resource_map, "labkit_statuses", {})
    modelled = moto_name("cloudformation.parsing").resource_class_from_type
    created = created_resources(resource_map)
    for logical_id, resource_json in template_resources(resource_map).items():
        condition = resource_json.get("Condition")
        made = logical_id in created or (
            modelled(resource_json.get("Type")) is None
            and not (condition and not resource_map.lazy_condition_map[condition])
        )
        if not made:
            continue  # a false Condition, or deleted already
        resource = created.get(logical_id)
        physical = getattr(resource, "physical_resource_id", None) or resource
        if not isinstance(physical, str) or not physical:  # a type moto does not model: it made nothing
            physical = f"{stack.name}-{logical_id}-{stack.stack_id.rsplit('/', 1)[-1][:8]}"
        status, reason = statuses.get(logical_id, ("CREATE_COMPLETE", ""))
        summaries.append(
            {
                "ResourceStatus": status,
                **({"ResourceStatusReason": reason} if reason else {}),
                "LogicalResourceId": logical_id,
                "LastUpdatedTimestamp": stack.creation_time,
                "PhysicalResourceId": physical,
                "ResourceType": resource_json.get("Type", ""),
            }
        )
    return summaries


@parity_fix(
    "every stack resource is listed with its logical id",
    moto_does="lists a resource of a type it does not model (AWS::CDK::Metadata, AWS::SQS::QueuePolicy, "
    "AWS::S3::BucketPolicy) with an empty logical id, type and physical id",
    aws_does="lists every resource of the stack's template by its logical id and type, with the physical id "
    "CloudFormation gave it",
)
def every_stack_resource_is_listed() -> None:
    """Patches moto: every stack resource is listed with its logical id."""
    response_class = moto_name("cloudformation.CloudFormationResponse")
    action_result = moto_name("core.ActionResult")

    def list_stack_resources(self: Any) -> Any:
        stack, _ = self.cloudformation_backend.list_stack_resources(request_param(self, "StackName"))
        return action_result({"StackResourceSummaries": resource_summaries(stack)})

    replace(response_class, "list_stack_resources", list_stack_resources)


FIXES: tuple[ParityFix, ...] = (
    stack_outputs_after_change_set,
    failed_deploy_is_reported,
    every_stack_resource_is_listed,
)
