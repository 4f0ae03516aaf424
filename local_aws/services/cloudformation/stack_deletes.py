"""CloudFormation parity fixes for deleting a stack: in dependency order, a resource already gone counts as
deleted, a failed delete is kept as DELETE_FAILED with each failed resource's event and the stack's reason
("The following resource(s) failed to delete: [...]"); and DeleteStack for a caller with no service role.

What a stack's state allows next (RetainResources on a DELETE_FAILED stack among it): stack_states.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import (
    add_stack_event,
    backend,
    created_resources,
    delete_stack_resource,
    moto_name,
    original,
    replace,
    set_template_resources,
    template_resources,
)
from local_aws.services.cloudformation.stack_states import delete_refusal
from local_aws.services.cloudformation.templates import deletion_order, dependencies

# what AWS APIs and moto call a missing resource: ResourceNotFoundException, NoSuchEntity, NoSuchBucket,
# InvalidVpcID.NotFound, AWS.SimpleQueueService.NonExistentQueue, Gateway.NotAttached, "... does not exist"
_GONE = re.compile(
    r"NotFound|NoSuch|NonExistent|DoesNotExist|UnknownFunction|NotAttached|does not exist|not found|"
    r"cannot be found",
    re.IGNORECASE,
)
_CUSTOM = ("Custom::", "AWS::CloudFormation::CustomResource")
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


def already_gone(error: BaseException) -> bool:
    """Does a resource's delete say the resource is not there (deleted by hand), whatever the service?"""
    names = [type(error).__name__, str(getattr(error, "code", "")), str(getattr(error, "error_type", ""))]
    return any(_GONE.search(text) for text in [*names, str(error)])


def mark_delete_failed(stack: Any, reason: str) -> None:
    """The stack is DELETE_FAILED, with the reason in its events, as CloudFormation leaves it."""
    stack.status = "DELETE_FAILED"
    stack.status_reason = reason
    add_stack_event(stack, "DELETE_FAILED", reason)


def add_resource_event(stack: Any, resource: ResourceDeleteFailure, status: str, reason: str) -> None:
    """An event of one resource of the stack, as DescribeStackEvents lists it."""
    event = moto_name("cloudformation.Event")(
        stack.stack_id,
        stack.name,
        resource.logical_id,
        resource.physical_id,
        resource.resource_type,
        status,
        reason,
        None,
    )
    stack.events.append(event)


def delete_action(resource_type: str) -> str:
    """The IAM action that deletes a resource of the CloudFormation type."""
    if resource_type in DELETE_ACTIONS:
        return DELETE_ACTIONS[resource_type]
    _, service, kind = ([*resource_type.split("::"), "", ""])[:3]
    return f"{service.lower()}:Delete{kind}"


def delete_stack_for(cloudformation: Any, stack: Any, *, caller: str, may_call: Callable[[str], bool]) -> str:
    """DeleteStack on a caller's behalf: with the stack's service role when it has one, else with the caller's
    permissions, which must allow each resource's delete action; a refused one leaves the stack DELETE_FAILED
    with AWS's AccessDenied wording. Returns that reason, or "" once the delete ran."""
    refusal = delete_refusal(stack)
    if refusal:  # an update or rollback runs: the call is refused, the stack stays as it is
        return refusal
    if not stack.role_arn:
        template = template_resources(stack.resource_map)
        for logical_id in created_resources(stack.resource_map):
            kind = str(template.get(logical_id, {}).get("Type", ""))
            if not kind.startswith("AWS::"):
                continue
            action = delete_action(kind)
            if not may_call(action):
                reason = (
                    f"User: {caller} is not authorized to perform: {action} (the stack has no CloudFormation "
                    "service role, so CloudFormation used the caller's credentials)"
                )
                mark_delete_failed(stack, reason)
                return reason
    cloudformation.delete_stack(stack.stack_id)
    return ""


@dataclass(frozen=True)
class ResourceDeleteFailure:
    """One resource CloudFormation could not delete, as its DELETE_FAILED event tells it."""

    logical_id: str
    resource_type: str
    physical_id: str
    reason: str


class StackDeleteFailedError(RuntimeError):
    """Resources of a stack could not be deleted; the message is CloudFormation's stack status reason."""

    def __init__(self, failures: list[ResourceDeleteFailure]) -> None:
        self.failures = failures
        names = ", ".join(failure.logical_id for failure in failures)
        super().__init__(f"The following resource(s) failed to delete: [{names}]. ")


def _physical_id(resource: Any) -> str:
    physical = getattr(resource, "physical_resource_id", None) or resource
    return physical if isinstance(physical, str) else ""


def _failure(
    template: dict[str, Any], logical_id: str, resource: Any, error: Exception
) -> ResourceDeleteFailure:
    kind, name, text = str(template[logical_id].get("Type", "")), type(error).__name__, str(error)
    reason = text if text.startswith(name) else f"{name}: {text}"  # moto's message may open with its code
    return ResourceDeleteFailure(logical_id, kind, _physical_id(resource), reason)


def _delete_resources(resource_map: Any) -> None:
    """Delete in dependency order; retry what failed while each round deletes something.

    A resource waits while anything that depends on it is still there, so a failed delete keeps what it
    needs (a custom resource whose delete failed keeps its function), as CloudFormation does. Resources the
    DeleteStack call retains (`labkit_retain`) are forgotten, not deleted; with FORCE_DELETE_STACK
    (`labkit_force`) so is each one whose delete fails. What failed is raised as StackDeleteFailedError.
    """
    template = template_resources(resource_map)
    created = created_resources(resource_map)
    needs = dependencies(template)
    retain = set(getattr(resource_map, "labkit_retain", set()))
    force = bool(getattr(resource_map, "labkit_force", False))
    resource_map.labkit_skipped = []
    resource_map.labkit_statuses = {}
    for logical_id in [lid for lid in deletion_order(template) if lid in retain and lid in created]:
        kind = str(template[logical_id].get("Type", ""))
        physical = _physical_id(created.pop(logical_id))
        resource_map.labkit_skipped.append(ResourceDeleteFailure(logical_id, kind, physical, "Retained"))
    pending = [
        logical_id
        for logical_id in deletion_order(template)
        if template[logical_id].get("DeletionPolicy") != "Retain" and logical_id not in retain
    ]
    while pending:
        failed: list[str] = []
        errors: list[ResourceDeleteFailure] = []
        for logical_id in pending:
            resource = created.get(logical_id)
            if resource is None or isinstance(resource, str):
                continue  # never created (a type moto does not model): nothing to delete
            if any(logical_id in needs[other] for other in failed):
                failed.append(logical_id)  # still needed by a resource that failed: not attempted
                continue
            try:
                delete_stack_resource(resource_map, resource, template[logical_id])
            except Exception as error:
                # a custom resource's NotFound is its function's, gone with the resource still there
                custom = str(template[logical_id].get("Type", "")).startswith(_CUSTOM)
                if custom or not already_gone(error):  # a dependency the template does not show: retry
                    failed.append(logical_id)
                    errors.append(_failure(template, logical_id, resource, error))
                    continue
            created.pop(logical_id)
        if force and errors:  # what cannot be deleted is kept, and the stack goes
            for failure in errors:
                created.pop(failure.logical_id)
                resource_map.labkit_skipped.append(failure)
            pending = [logical_id for logical_id in failed if logical_id in created]
            continue
        if len(failed) == len(pending):
            resource_map.labkit_statuses = {f.logical_id: ("DELETE_FAILED", f.reason) for f in errors}
            raise StackDeleteFailedError(errors)
        pending = failed


@parity_fix(
    "a resource already gone counts as deleted",
    moto_does="fails the stack's delete (DELETE_FAILED, on every retry) when a resource was deleted by hand: "
    "its delete answers NotFound (UnknownFunctionException, NoSuchBucket, InvalidVpcID.NotFound...)",
    aws_does="counts a resource whose delete answers NotFound as deleted and ends DELETE_COMPLETE (the "
    "CloudFormation CLI's resource handler contract: NotFound means the resource does not exist)",
)
def resources_already_gone_count_as_deleted() -> None:
    """Patches moto: a resource already gone counts as deleted."""
    # the behaviour lives in _delete_resources (already_gone); these make moto's deletes say NotFound
    launch_template_class = moto_name("ec2.LaunchTemplate")
    not_found = moto_name("ec2.InvalidLaunchTemplateNameNotFoundError")

    def delete_launch_template(self: Any, account_id: str, region_name: str) -> None:
        ec2 = backend("ec2", account_id, region_name)
        if self.id not in ec2.launch_templates:  # moto looks it up by a name it forgot: MissingParameter
            raise not_found()
        ec2.delete_launch_template(None, self.id)

    replace(launch_template_class, "delete", delete_launch_template)


@parity_fix(
    "stack deletion in dependency order",
    moto_does="deletes a stack's resources in arbitrary order, and creates deleted ones again when the stack "
    "is described afterwards",
    aws_does="deletes each resource before the resources it references, and never re-creates one",
)
def stack_delete_like_cloudformation() -> None:
    """Patches moto: stack deletion in dependency order."""
    resource_map_class = moto_name("cloudformation.ResourceMap")
    original_getitem = original(resource_map_class, "__getitem__")

    def delete(self: Any) -> None:
        self.labkit_deleting = True
        try:
            _delete_resources(self)
        finally:
            # only what could not be deleted still belongs to the stack
            created = created_resources(self)
            set_template_resources(
                self,
                {
                    logical_id: resource
                    for logical_id, resource in template_resources(self).items()
                    if logical_id in created
                },
            )

    @functools.wraps(original_getitem)
    def getitem(self: Any, key: str) -> Any:
        if getattr(self, "labkit_deleting", False) and key not in created_resources(self):
            return None  # moto would create a deleted resource again just to describe its stack
        return original_getitem(self, key)

    replace(resource_map_class, "delete", delete)
    replace(resource_map_class, "__getitem__", getitem)


@parity_fix(
    "failed stack delete reported as DELETE_FAILED",
    moto_does="drops the stack record when a resource cannot be deleted, hiding the resources left behind, "
    "and hides the stack while its resources are deleted (the CDK CLI's event poller then fails with "
    "'Stack with id ... does not exist')",
    aws_does="keeps the stack in DELETE_FAILED with the resources it could not delete and the reason, and "
    "describes it as DELETE_IN_PROGRESS while the delete runs",
)
def failed_stack_delete_is_reported() -> None:
    """Patches moto: failed stack delete reported as DELETE_FAILED."""
    backend_class = moto_name("cloudformation.CloudFormationBackend")
    original_delete_stack = original(backend_class, "delete_stack")

    @functools.wraps(original_delete_stack)
    def delete_stack(self: Any, name_or_stack_id: str) -> None:
        stack = self.stacks.get(name_or_stack_id)
        if stack is None:  # by name: moto looks the id up and calls delete_stack(stack_id) again
            original_delete_stack(self, name_or_stack_id)
            return
        refusal = delete_refusal(stack)
        if refusal:
            raise moto_name("cloudformation.ValidationError")(message=refusal)
        stack.status, stack.status_reason = "DELETE_IN_PROGRESS", "User Initiated"
        try:
            stack.delete()  # moto took the stack out of its table first: here it stays describable meanwhile
        except StackDeleteFailedError as failed:
            for failure in failed.failures:  # each resource's own event says why, the stack's names them
                add_resource_event(stack, failure, "DELETE_FAILED", failure.reason)
            mark_delete_failed(stack, str(failed))
            return
        except Exception as error:  # whatever else a delete raised is the stack's failure reason
            mark_delete_failed(stack, f"{type(error).__name__}: {error}")
            return
        finally:
            for skipped in getattr(stack.resource_map, "labkit_skipped", []):
                add_resource_event(stack, skipped, "DELETE_SKIPPED", skipped.reason)
            stack.resource_map.labkit_skipped = []
        stack.status_reason = None
        self.stacks.pop(stack.stack_id, None)
        self.deleted_stacks[stack.stack_id] = stack
        for export in stack.exports:
            self.exports.pop(export.name, None)

    replace(backend_class, "delete_stack", delete_stack)


FIXES: tuple[ParityFix, ...] = (
    stack_delete_like_cloudformation,
    resources_already_gone_count_as_deleted,
    failed_stack_delete_is_reported,
)
