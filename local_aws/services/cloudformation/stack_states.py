"""CloudFormation parity fixes: what a stack's state allows next, as CloudFormation documents it.

moto updates a stack in any state but ROLLBACK_COMPLETE (and through a change set, in every state), deploys a
second stack of a live stack's name, executes a change set whatever its status, ignores DeleteStack's
RetainResources and DeletionMode, and shows no stack as in progress while a change set runs. What AWS does:
- an update (UpdateStack, an UPDATE change set) only from a working state: CREATE_COMPLETE, UPDATE_COMPLETE,
  UPDATE_ROLLBACK_COMPLETE, IMPORT_COMPLETE, IMPORT_ROLLBACK_COMPLETE (and CREATE_FAILED or UPDATE_FAILED
  paused by DisableRollback). Anything else is ValidationError "Stack:<id> is in <STATE> state and can not
  be updated.": DELETE_FAILED ("you cannot work with or update the stack"), ROLLBACK_COMPLETE ("only a delete
  operation can be performed"), ROLLBACK_FAILED and UPDATE_ROLLBACK_FAILED (delete it, or continue the
  rollback), REVIEW_IN_PROGRESS (only CREATE change sets) and every *_IN_PROGRESS (CloudFormation user guide,
  "Stack status codes"; the message as real accounts answer it, quoted in aws-amplify/amplify-cli#1364,
  getmoto/moto#583, remind101/empire#932);
- a CREATE change set for a name whose live stack is not under review: ValidationError "Stack [<name>]
  already exists and cannot be created again with the changeSet [<change set>]." (compose-x/ecs_composex#785);
- ExecuteChangeSet: InvalidChangeSetStatus when "the change set status might be CREATE_IN_PROGRESS, or the
  stack status might be UPDATE_IN_PROGRESS" (API reference, ExecuteChangeSet: Errors); while it runs the
  stack is CREATE_IN_PROGRESS or UPDATE_IN_PROGRESS;
- DeleteStack: refused while an update or a rollback runs ("Stack [<id>] cannot be deleted while in status
  UPDATE_IN_PROGRESS", aws-amplify/amplify-backend#2366); RetainResources only "for stacks in the
  DELETE_FAILED state" ("Invalid operation on stack [<id>]. When you delete a stack, specify which resources
  to retain only when the stack is in the DELETE_FAILED state."), each a resource the stack still has ("The
  specified resources to retain must be in a valid state. Do not specify resources that are in the
  DELETE_COMPLETE state.", rebuy-de/aws-nuke#270); "CloudFormation deletes the stack but doesn't delete the
  retained resources" (API reference, DeleteStack); DeletionMode FORCE_DELETE_STACK deletes a stack "stuck in
  a DELETE_FAILED state due to resource deletion failure", keeping what it cannot delete.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import created_resources, moto_name, original, replace, request_param
from local_aws.services.cloudformation.change_sets import find_change_set, live_stack

# the states an update may start from (the last two: a create or update paused by DisableRollback)
UPDATABLE = frozenset(
    {
        "CREATE_COMPLETE",
        "UPDATE_COMPLETE",
        "UPDATE_ROLLBACK_COMPLETE",
        "IMPORT_COMPLETE",
        "IMPORT_ROLLBACK_COMPLETE",
        "CREATE_FAILED",
        "UPDATE_FAILED",
    }
)
# DeleteStack waits for none of these: an update or a rollback runs (a create in progress is cancelled on AWS)
UNDELETABLE = frozenset(
    {
        "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        "ROLLBACK_IN_PROGRESS",
        "IMPORT_IN_PROGRESS",
        "IMPORT_ROLLBACK_IN_PROGRESS",
    }
)
FORCE_DELETE = "FORCE_DELETE_STACK"
# how long a DeleteStack waits for the create it interrupts to end
CREATE_WAIT_S = 300.0
# one check-and-mark at a time: two executions of one stack cannot both see it idle
_starting = threading.Lock()


def _validation(message: str) -> Exception:
    error: Exception = moto_name("cloudformation.ValidationError")(message=message)
    return error


def _invalid_change_set_status(message: str) -> Exception:
    error_class = moto_name("cloudformation.CloudFormationError")
    invalid = type("InvalidChangeSetStatus", (error_class,), {"code": "InvalidChangeSetStatus"})
    error: Exception = invalid(message)
    return error


def update_refusal(stack: Any) -> str:
    """AWS's ValidationError message when the stack's state allows no update, else ""."""
    if stack.status in UPDATABLE:
        return ""
    return f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."


def delete_refusal(stack: Any) -> str:
    """AWS's ValidationError message when the stack's state allows no DeleteStack now, else ""."""
    if stack.status not in UNDELETABLE:
        return ""
    return f"Stack [{stack.stack_id}] cannot be deleted while in status {stack.status}"


def retain_refusal(stack: Any, retain: list[str]) -> str:
    """AWS's ValidationError message when these resources cannot be retained by DeleteStack, else ""."""
    if stack.status != "DELETE_FAILED":
        return (
            f"Invalid operation on stack [{stack.stack_id}]. When you delete a stack, specify which "
            "resources to retain only when the stack is in the DELETE_FAILED state."
        )
    if set(retain) - set(created_resources(stack.resource_map)):
        return (
            "The specified resources to retain must be in a valid state. Do not specify resources that are "
            "in the DELETE_COMPLETE state."
        )
    return ""


def start_execution(backend: Any, change_set: Any) -> None:
    """Mark the change set's stack CREATE_ or UPDATE_IN_PROGRESS; refused with InvalidChangeSetStatus when the
    change set's status or the stack's state does not allow it to run."""
    with _starting:
        stack = backend.stacks.get(change_set.stack_id)
        arn = change_set.change_set_id
        if change_set.status != "CREATE_COMPLETE":
            raise _invalid_change_set_status(
                f"ChangeSet [{arn}] cannot be executed in its current status of [{change_set.status}]"
            )
        if change_set.execution_status != "AVAILABLE":
            raise _invalid_change_set_status(
                f"ChangeSet [{arn}] cannot be executed in its current execution status of "
                f"[{change_set.execution_status}]"
            )
        creating = change_set.change_set_type == "CREATE"
        allowed = stack is not None and (
            stack.status == "REVIEW_IN_PROGRESS" if creating else stack.status in UPDATABLE
        )
        if not allowed:
            state = stack.status if stack is not None else "DELETE_COMPLETE"
            raise _invalid_change_set_status(
                f"ChangeSet [{arn}] cannot be executed: stack {change_set.stack_id} is in {state} state"
            )
        stack.status = "CREATE_IN_PROGRESS" if creating else "UPDATE_IN_PROGRESS"


@parity_fix(
    "a stack is updated only from a state that allows it",
    moto_does="updates a stack in any state through a change set (a deploy onto a DELETE_FAILED stack "
    "'succeeds' with nothing deployed), refuses UpdateStack only in ROLLBACK_COMPLETE, and makes a second "
    "live stack of a name for a CREATE change set",
    aws_does="answers ValidationError 'Stack:<id> is in <STATE> state and can not be updated.' unless the "
    "stack is CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE or IMPORT_*COMPLETE "
    "(DELETE_FAILED, ROLLBACK_COMPLETE, ROLLBACK_FAILED, UPDATE_ROLLBACK_FAILED, REVIEW_IN_PROGRESS and "
    "every *_IN_PROGRESS are refused), and 'Stack [<name>] already exists and cannot be created again with "
    "the changeSet [<name>].' to a CREATE change set for a live stack",
)
def updates_only_from_a_state_that_allows_them() -> None:
    """Patches moto: a stack is updated only from a state that allows it."""
    response_class = moto_name("cloudformation.CloudFormationResponse")
    original_create_change_set = original(response_class, "create_change_set")
    original_update_stack = original(response_class, "update_stack")

    def create_change_set(self: Any) -> Any:
        name = str(request_param(self, "StackName") or "")
        stack = live_stack(self.cloudformation_backend, name)
        kind = str(request_param(self, "ChangeSetType") or "UPDATE")
        if stack is not None and kind != "CREATE" and update_refusal(stack):
            raise _validation(update_refusal(stack))
        if stack is not None and kind == "CREATE" and stack.status != "REVIEW_IN_PROGRESS":
            change_set = request_param(self, "ChangeSetName")
            raise _validation(
                f"Stack [{name}] already exists and cannot be created again with the changeSet "
                f"[{change_set}]."
            )
        return original_create_change_set(self)

    def update_stack(self: Any) -> Any:
        stack = live_stack(self.cloudformation_backend, str(request_param(self, "StackName") or ""))
        if stack is not None and update_refusal(stack):
            raise _validation(update_refusal(stack))
        return original_update_stack(self)

    replace(response_class, "create_change_set", create_change_set)
    replace(response_class, "update_stack", update_stack)


@parity_fix(
    "DeleteStack honours the stack's state, RetainResources and DeletionMode",
    moto_does="ignores RetainResources and DeletionMode (a DELETE_FAILED stack stays DELETE_FAILED whatever "
    "is retained) and deletes a stack in the middle of its update",
    aws_does="deletes a DELETE_FAILED stack without the resources named in RetainResources (refused with "
    "ValidationError for a stack in any other state, or for a resource already deleted), with "
    "FORCE_DELETE_STACK keeps what it cannot delete, and refuses DeleteStack while an update or rollback "
    "runs ('Stack [<id>] cannot be deleted while in status UPDATE_IN_PROGRESS')",
)
def delete_stack_honours_state_and_retained_resources() -> None:
    """Patches moto: DeleteStack honours the stack's state, RetainResources and DeletionMode."""
    response_class = moto_name("cloudformation.CloudFormationResponse")
    empty_result = moto_name("core.EmptyResult")
    original_delete_stack = original(response_class, "delete_stack")

    def delete_stack(self: Any) -> Any:
        backend = self.cloudformation_backend
        stack = live_stack(backend, str(request_param(self, "StackName") or ""))
        if stack is None:  # AWS, too, answers a stack that is not there with success
            return original_delete_stack(self)
        retain = [str(logical_id) for logical_id in request_param(self, "RetainResources") or []]
        refusal = delete_refusal(stack) or (retain_refusal(stack, retain) if retain else "")
        if refusal:
            raise _validation(refusal)
        if stack.status == "DELETE_IN_PROGRESS":
            return empty_result()  # the delete already runs: asking again changes nothing
        # AWS cancels a create in progress, then deletes; here the create ends first, then the stack goes
        deadline = time.monotonic() + CREATE_WAIT_S
        while stack.status == "CREATE_IN_PROGRESS" and time.monotonic() < deadline:
            time.sleep(0.1)
        resource_map = stack.resource_map
        resource_map.labkit_retain = set(retain)
        resource_map.labkit_force = (
            request_param(self, "DeletionMode") == FORCE_DELETE and stack.status == "DELETE_FAILED"
        )
        try:
            backend.delete_stack(stack.stack_id)
        finally:
            resource_map.labkit_retain, resource_map.labkit_force = set(), False
        return empty_result()

    replace(response_class, "delete_stack", delete_stack)


@parity_fix(
    "a change set runs only when its status and its stack's state allow it",
    moto_does="executes a change set whatever its status (one with no changes, or one already executed) and "
    "whatever its stack's state, and leaves the stack in its old state while the change set runs",
    aws_does="answers InvalidChangeSetStatus when the change set is not AVAILABLE or the stack's state does "
    "not allow it (API reference, ExecuteChangeSet: Errors), and shows the stack CREATE_IN_PROGRESS or "
    "UPDATE_IN_PROGRESS while it runs, so another deploy of it is refused meanwhile",
    # it wraps the execute that reports a failed deploy: the stack is in progress for the whole run
    after=("cloudformation.failed_deploy_is_reported",),
)
def change_sets_run_only_when_allowed() -> None:
    """Patches moto: a change set runs only when its status and its stack's state allow it."""
    backend_class = moto_name("cloudformation.CloudFormationBackend")
    original_execute = original(backend_class, "execute_change_set")

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = find_change_set(self, change_set_name, stack_name)
        if change_set is not None:
            start_execution(self, change_set)
        original_execute(self, change_set_name, stack_name)

    replace(backend_class, "execute_change_set", execute_change_set)


FIXES: tuple[ParityFix, ...] = (
    updates_only_from_a_state_that_allows_them,
    change_sets_run_only_when_allowed,
    delete_stack_honours_state_and_retained_resources,
)
