"""CloudFormation parity fixes: stacks deleted in dependency order, failed deletes kept, outputs returned."""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from labs.emulator.parity.base import ParityFix, from_moto, original, parity_fix, replace
from labs.emulator.parity.change_sets import find_change_set


class UpdateRolledBackError(RuntimeError):
    """An update failed and was rolled back (labs/emulator/parity/stack_updates); the message says why."""


def _references(node: Any) -> set[str]:
    """Logical ids a template fragment points at through Ref or Fn::GetAtt."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(str(value[0] if isinstance(value, list) else str(value).split(".")[0]))
            else:
                found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


def dependencies(resources: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """Logical id -> the logical ids it references or names in DependsOn."""
    found = {}
    for logical_id, resource in resources.items():
        depends_on = resource.get("DependsOn", [])
        needs = _references(resource.get("Properties", {}))
        needs |= {depends_on} if isinstance(depends_on, str) else set(depends_on)
        found[logical_id] = needs & resources.keys()
    return found


def deletion_order(resources: dict[str, dict[str, Any]]) -> list[str]:
    """Logical ids with every resource before the resources it depends on, as CloudFormation deletes."""
    needs = dependencies(resources)
    created: list[str] = []
    visiting: set[str] = set()

    def visit(logical_id: str) -> None:
        if logical_id in created or logical_id in visiting:
            return
        visiting.add(logical_id)
        for dependency in sorted(needs[logical_id]):
            visit(dependency)
        created.append(logical_id)

    for logical_id in resources:
        visit(logical_id)
    return created[::-1]


# what AWS APIs and moto call a missing resource: ResourceNotFoundException, NoSuchEntity, NoSuchBucket,
# InvalidVpcID.NotFound, AWS.SimpleQueueService.NonExistentQueue, Gateway.NotAttached, "... does not exist"
_GONE = re.compile(
    r"NotFound|NoSuch|NonExistent|DoesNotExist|UnknownFunction|NotAttached|does not exist|not found|"
    r"cannot be found",
    re.IGNORECASE,
)


_CUSTOM = ("Custom::", "AWS::CloudFormation::CustomResource")


def already_gone(error: BaseException) -> bool:
    """Does a resource's delete say the resource is not there (deleted by hand), whatever the service?"""
    names = [type(error).__name__, str(getattr(error, "code", "")), str(getattr(error, "error_type", ""))]
    return any(_GONE.search(text) for text in [*names, str(error)])


def _delete_resources(resource_map: Any) -> None:
    """Delete in dependency order; retry what failed while each round deletes something.

    A resource waits while anything that depends on it is still there, so a failed delete keeps what it
    needs (a custom resource whose delete failed keeps its function), as CloudFormation does.
    """
    template = resource_map._resource_json_map
    needs = dependencies(template)
    pending = [
        logical_id
        for logical_id in deletion_order(template)
        if template[logical_id].get("DeletionPolicy") != "Retain"
    ]
    while pending:
        failed: list[tuple[str, Exception]] = []
        errors: list[Exception] = []
        for logical_id in pending:
            resource = resource_map._parsed_resources.get(logical_id)
            if resource is None or isinstance(resource, str):
                continue  # never created (a type moto does not model): nothing to delete
            waiting_for = [other for other, _ in failed if logical_id in needs[other]]
            if waiting_for:
                failed.append((logical_id, RuntimeError(f"{logical_id} is still needed by {waiting_for[0]}")))
                continue
            try:
                resource_map._delete_resource(resource, template[logical_id])
            except Exception as error:
                # a custom resource's NotFound is its function's, gone with the resource still there
                custom = str(template[logical_id].get("Type", "")).startswith(_CUSTOM)
                if custom or not already_gone(error):  # a dependency the template does not show: retry
                    failed.append((logical_id, error))
                    errors.append(error)
                    continue
            resource_map._parsed_resources.pop(logical_id)
        if len(failed) == len(pending):
            raise (errors or [error for _, error in failed])[0]
        pending = [logical_id for logical_id, _ in failed]


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
    launch_template_class = from_moto("moto.ec2.models.launch_templates", "LaunchTemplate")
    not_found = from_moto("moto.ec2.exceptions", "InvalidLaunchTemplateNameNotFoundError")

    def delete_launch_template(self: Any, account_id: str, region_name: str) -> None:
        ec2 = from_moto("moto.ec2.models", "ec2_backends")[account_id][region_name]
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
    resource_map_class = from_moto("moto.cloudformation.parsing", "ResourceMap")
    original_getitem = original(resource_map_class, "__getitem__")

    def delete(self: Any) -> None:
        self.labkit_deleting = True
        try:
            _delete_resources(self)
        finally:
            # only what could not be deleted still belongs to the stack
            self._resource_json_map = {
                logical_id: resource
                for logical_id, resource in self._resource_json_map.items()
                if logical_id in self._parsed_resources
            }

    @functools.wraps(original_getitem)
    def getitem(self: Any, key: str) -> Any:
        if getattr(self, "labkit_deleting", False) and key not in self._parsed_resources:
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
    backend_class = from_moto("moto.cloudformation.models", "CloudFormationBackend")
    original_delete_stack = original(backend_class, "delete_stack")

    @functools.wraps(original_delete_stack)
    def delete_stack(self: Any, name_or_stack_id: str) -> None:
        stack = self.stacks.get(name_or_stack_id)
        if stack is None:  # by name: moto looks the id up and calls delete_stack(stack_id) again
            original_delete_stack(self, name_or_stack_id)
            return
        stack.status = "DELETE_IN_PROGRESS"
        try:
            stack.delete()  # moto took the stack out of its table first: here it stays describable meanwhile
        except Exception as error:  # whatever a resource raised is the stack's failure reason
            stack.status = "DELETE_FAILED"
            stack._add_stack_event("DELETE_FAILED", resource_status_reason=f"{type(error).__name__}: {error}")
            return
        self.stacks.pop(stack.stack_id, None)
        self.deleted_stacks[stack.stack_id] = stack
        for export in stack.exports:
            self.exports.pop(export.name, None)

    replace(backend_class, "delete_stack", delete_stack)


@parity_fix(
    "stack outputs after a change set",
    moto_does="returns no Outputs for a stack created through a change set (how the CDK CLI deploys)",
    aws_does="returns the template's Outputs once the change set has run",
)
def stack_outputs_after_change_set() -> None:
    """Patches moto: stack outputs after a change set."""
    backend_class = from_moto("moto.cloudformation.models", "CloudFormationBackend")
    original_execute = original(backend_class, "execute_change_set")

    @functools.wraps(original_execute)
    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        original_execute(self, change_set_name, stack_name)
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        # moto built the stack's outputs from the empty template the change set started with
        stack.template_dict = change_set.template_dict
        stack.description = change_set.template_dict.get("Description")
        stack.output_map = stack._create_output_map()

    replace(backend_class, "execute_change_set", execute_change_set)


@parity_fix(
    "a failed deploy is reported on the stack",
    moto_does="answers ExecuteChangeSet with an internal server error when a resource cannot be created or "
    "updated, and leaves the stack in progress with whatever it made",
    aws_does="accepts the change set, marks the stack failed with the resource's reason in its events, and "
    "rolls a failed create back (ROLLBACK_COMPLETE)",
)
def failed_deploy_is_reported() -> None:
    """Patches moto: a failed deploy is reported on the stack."""
    backend_class = from_moto("moto.cloudformation.models", "CloudFormationBackend")
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
                stack._add_stack_event("CREATE_FAILED", resource_status_reason=reason)
                stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=reason)
                try:
                    stack.resource_map.delete()
                    stack.status = "ROLLBACK_COMPLETE"
                except Exception as rollback:  # what the rollback could not delete stays, as on AWS
                    stack.status = "ROLLBACK_FAILED"
                    reason = f"{type(rollback).__name__}: {rollback}"
            elif isinstance(error, UpdateRolledBackError):
                stack._add_stack_event("UPDATE_FAILED", resource_status_reason=reason)
                stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=reason)
                stack.status = "UPDATE_ROLLBACK_COMPLETE"
            else:
                # the emulator could not restore the previous resources: say so instead of pretending
                stack._add_stack_event("UPDATE_FAILED", resource_status_reason=reason)
                stack.status = "UPDATE_ROLLBACK_FAILED"
            stack._add_stack_event(stack.status, resource_status_reason=reason)

    replace(backend_class, "execute_change_set", execute_change_set)


def resource_summaries(stack: Any) -> list[dict[str, Any]]:
    """One summary per resource of the stack's template, each with its logical id and type."""
    resource_map, summaries = stack.resource_map, []
    modelled = from_moto("moto.cloudformation.parsing", "resource_class_from_type")
    for logical_id, resource_json in resource_map._resource_json_map.items():
        condition = resource_json.get("Condition")
        created = logical_id in resource_map._parsed_resources or (
            modelled(resource_json.get("Type")) is None
            and not (condition and not resource_map.lazy_condition_map[condition])
        )
        if not created:
            continue  # a false Condition, or deleted already
        resource = resource_map._parsed_resources.get(logical_id)
        physical = getattr(resource, "physical_resource_id", None) or resource
        if not isinstance(physical, str) or not physical:  # a type moto does not model: it made nothing
            physical = f"{stack.name}-{logical_id}-{stack.stack_id.rsplit('/', 1)[-1][:8]}"
        summaries.append(
            {
                "ResourceStatus": "CREATE_COMPLETE",
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
    response_class = from_moto("moto.cloudformation.responses", "CloudFormationResponse")
    action_result = from_moto("moto.core.responses", "ActionResult")

    def list_stack_resources(self: Any) -> Any:
        stack, _ = self.cloudformation_backend.list_stack_resources(self._get_param("StackName"))
        return action_result({"StackResourceSummaries": resource_summaries(stack)})

    replace(response_class, "list_stack_resources", list_stack_resources)


FIXES: tuple[ParityFix, ...] = (
    stack_delete_like_cloudformation,
    resources_already_gone_count_as_deleted,
    failed_stack_delete_is_reported,
    stack_outputs_after_change_set,
    failed_deploy_is_reported,
    every_stack_resource_is_listed,
)
