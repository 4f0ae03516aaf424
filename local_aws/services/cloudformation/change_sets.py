"""CloudFormation parity fix: change sets belong to one stack, the live stack of their name.

moto keeps every change set it ever made in one table, searched by name alone: after a stack is destroyed and
deployed again, its old `cdk-deploy-change-set` still answers for the new stack, so the CDK CLI's wait for
its own DeleteChangeSet never ends ("Waiting for changeset ... to finish deleting...").
What AWS does, from the CloudFormation API reference and its service model:
- DescribeChangeSet/DeleteChangeSet/ExecuteChangeSet take a change set ARN, or a name with the StackName it
  belongs to; a missing one is ChangeSetNotFound (HTTP 404) "ChangeSet [name] does not exist", which is what
  the CDK CLI's waiter looks for;
- ListChangeSets "returns the ID and status of each active change set for a stack" (StackName required);
- "When you execute a change set, CloudFormation deletes all other change sets associated with the stack";
- a stack name means the live stack of that name (a deleted stack is reachable by its ARN only); a name with
  no live stack is ValidationError "Stack [name] does not exist" (the message AWS gives, as seen in
  Sceptre/sceptre#1483 and MiniStack's measured fix ministackorg/ministack#1625);
- DeleteChangeSet of a change set that is not there, on a stack that is, succeeds: its errors list only
  InvalidChangeSetStatus (measured on a real account in ministackorg/ministack#1625).
"""

from __future__ import annotations

from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import moto_name, replace, request_param


def _is_arn(name_or_id: str) -> bool:
    return name_or_id.startswith("arn:")


def live_stack(backend: Any, name_or_id: str) -> Any:
    """The stack a StackName means: by ARN any stack, by name only the live one; None when there is none."""
    if _is_arn(name_or_id):
        return backend.stacks.get(name_or_id) or backend.deleted_stacks.get(name_or_id)
    live = [stack for stack in backend.stacks.values() if stack.name == name_or_id]
    return live[-1] if live else None


def find_change_set(backend: Any, name_or_id: str, stack_name: str | None) -> Any:
    """The change set a request means, or None: by ARN, or by name within the stack named beside it."""
    if _is_arn(name_or_id):
        return backend.change_sets.get(name_or_id)
    stack = live_stack(backend, stack_name) if stack_name else None
    if stack is None:
        return None
    mine = [
        change_set
        for change_set in backend.change_sets.values()
        if change_set.change_set_name == name_or_id and change_set.stack_id == stack.stack_id
    ]
    return mine[-1] if mine else None


def _errors() -> tuple[Any, Any]:
    error_class = moto_name("cloudformation.CloudFormationError")
    not_found = type("ChangeSetNotFound", (error_class,), {"code": "ChangeSetNotFound"})
    validation = moto_name("cloudformation.ValidationError")
    return not_found, validation


@parity_fix(
    "change sets belong to the live stack of their name",
    moto_does="looks a change set up by name across every stack it ever had, deleted ones too (after a "
    "destroy and a new deploy the old stack's cdk-deploy-change-set answers, and the CDK CLI waits forever "
    "for its own delete), lists every stack's change sets whatever StackName says, and keeps them all after "
    "one is executed",
    aws_does="looks a change set up by ARN or within the live stack named in the request (ChangeSetNotFound "
    "when it is not there), lists only that stack's change sets (ValidationError 'Stack [name] does not "
    "exist' for a stack that is not there), and deletes a stack's other change sets when one is executed",
)
def change_sets_belong_to_the_live_stack() -> None:
    """Patches moto: change sets belong to the live stack of their name."""
    response_class = moto_name("cloudformation.CloudFormationResponse")
    action_result = moto_name("core.ActionResult")
    empty_result = moto_name("core.EmptyResult")
    not_found, validation = _errors()

    def stack_must_exist(self: Any) -> None:
        stack_name = request_param(self, "StackName")
        if stack_name and live_stack(self.cloudformation_backend, stack_name) is None:
            raise validation(message=f"Stack [{stack_name}] does not exist")

    def resolve(self: Any) -> Any:
        name = str(request_param(self, "ChangeSetName"))
        if not _is_arn(name) and not request_param(self, "StackName"):
            message = "StackName must be specified if ChangeSetName is not specified as an ARN."
            raise validation(message=message)
        stack_must_exist(self)
        return find_change_set(self.cloudformation_backend, name, request_param(self, "StackName"))

    def describe_change_set(self: Any) -> Any:
        change_set = resolve(self)
        if change_set is None:
            raise not_found(f"ChangeSet [{request_param(self, 'ChangeSetName')}] does not exist")
        return action_result(change_set)

    def delete_change_set(self: Any) -> Any:
        change_set = resolve(self)
        if change_set is not None:
            self.cloudformation_backend.change_sets.pop(change_set.change_set_id, None)
        return empty_result()

    def execute_change_set(self: Any) -> Any:
        change_set = resolve(self)
        if change_set is None:
            raise not_found(f"ChangeSet [{request_param(self, 'ChangeSetName')}] does not exist")
        backend = self.cloudformation_backend
        backend.execute_change_set(stack_name=change_set.stack_id, change_set_name=change_set.change_set_id)
        for other in [c for c in backend.change_sets.values() if c.stack_id == change_set.stack_id]:
            if other is not change_set:  # no longer valid for the updated stack
                backend.change_sets.pop(other.change_set_id)
        return empty_result()

    def list_change_sets(self: Any) -> Any:
        stack_name = request_param(self, "StackName")
        stack = live_stack(self.cloudformation_backend, str(stack_name or ""))
        if stack is None:
            raise validation(message=f"Stack [{stack_name}] does not exist")
        mine = [c for c in self.cloudformation_backend.change_sets.values() if c.stack_id == stack.stack_id]
        return action_result({"Summaries": mine})

    replace(response_class, "describe_change_set", describe_change_set)
    replace(response_class, "delete_change_set", delete_change_set)
    replace(response_class, "execute_change_set", execute_change_set)
    replace(response_class, "list_change_sets", list_change_sets)


@parity_fix(
    "a new stack's second CREATE change set joins the stack under review",
    moto_does="makes a second stack of the same name for every CREATE change set, so a deploy interrupted "
    "after CreateChangeSet and run again leaves two live stacks named alike, and one of them survives "
    "`cdk destroy`",
    aws_does="creates the new stack once, in REVIEW_IN_PROGRESS with no template or resources, and adds "
    "further CREATE change sets to it until one is executed: a live stack's name is unique in an account "
    "and region (CloudFormation user guide, 'Update CloudFormation stacks using change sets')",
)
def create_change_sets_join_the_stack_under_review() -> None:
    """Patches moto: a CREATE change set for a stack still under review belongs to that stack."""
    backend_class = moto_name("cloudformation.CloudFormationBackend")
    original = backend_class.create_change_set

    def create_change_set(self: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
        stack_name = kwargs.get("stack_name", args[0] if args else "")
        change_set_type = kwargs.get("change_set_type", args[5] if len(args) > 5 else "CREATE")
        under_review = None
        if change_set_type == "CREATE":
            live = [s for s in self.stacks.values() if s.name == stack_name]
            under_review = next((s for s in live if s.status == "REVIEW_IN_PROGRESS"), None)
        change_set_id, stack_id = original(self, *args, **kwargs)
        if under_review is None or stack_id == under_review.stack_id:
            return change_set_id, stack_id
        self.stacks.pop(stack_id, None)  # the duplicate moto just made
        change_set = self.change_sets[change_set_id]
        change_set.stack = under_review
        change_set.stack_id = under_review.stack_id
        change_set.stack_name = under_review.name
        return change_set_id, str(under_review.stack_id)

    replace(backend_class, "create_change_set", create_change_set)


FIXES: tuple[ParityFix, ...] = (
    change_sets_belong_to_the_live_stack,
    create_change_sets_join_the_stack_under_review,
)
