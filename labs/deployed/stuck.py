"""A stack that no deploy or destroy can go on with, and the one line naming the way out.

What AWS documents (and the emulator does, failing as AWS fails):
- DELETE_FAILED: CloudFormation could not delete some resources (each one's DELETE_FAILED event says why);
  "you cannot work with or update the stack". The way out: DeleteStack again with RetainResources naming
  them; "CloudFormation deletes the stack without deleting the retained resource", which you then delete by
  hand (CloudFormation user guide, Troubleshooting: Delete stack fails). A bucket must be empty before it can
  be deleted: one still holding objects, its cleaner failed, would fail the next delete too, so it is
  retained with them and named as left behind;
- ROLLBACK_FAILED, UPDATE_ROLLBACK_FAILED: only a delete (or, for the last, continuing the rollback) is left
  (user guide, "Stack status codes"): destroy, then deploy again. ROLLBACK_COMPLETE allows only a delete
  too, but `cdk deploy` deletes such a stack itself before it creates it again: nothing to say there;
- any *_IN_PROGRESS but REVIEW_IN_PROGRESS: another operation runs; wait for it, then run the command again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.catalogue import CUSTOM_PREFIX, CUSTOM_RESOURCE
from labs.catalogue.cloudformation import STACK
from labs.catalogue.s3 import BUCKET
from labs.deployed.stack import StackResource, list_resources
from labs.shared_facts import cdk_command

if TYPE_CHECKING:
    import boto3

_CUSTOM = (CUSTOM_PREFIX, CUSTOM_RESOURCE)
_BUCKET = BUCKET.cfn_type
_STACK = STACK.cfn_type
# only a delete is left in these (user guide, "Stack status codes"; the CDK CLI deletes a ROLLBACK_COMPLETE
# stack itself before it deploys again)
DELETE_ONLY = frozenset({"ROLLBACK_FAILED", "UPDATE_ROLLBACK_FAILED"})
# the AWS CLI waiter that returns once an operation in progress has ended
_WAITERS = {
    "CREATE": "stack-create-complete",
    "DELETE": "stack-delete-complete",
    "ROLLBACK": "stack-rollback-complete",
}
_REASON_CHARS = 160


@dataclass(frozen=True)
class Blocker:
    """A resource CloudFormation failed to delete in the stack's last delete, with the reason it gave."""

    logical_id: str
    resource_type: str
    physical_id: str
    reason: str


@dataclass(frozen=True)
class Retained:
    """A resource the way out retains: the stack forgets it, AWS keeps it; `leaves` says what stays."""

    logical_id: str
    leaves: str


@dataclass(frozen=True)
class WayOut:
    """How a stuck stack gets out of the way: one line to read, with a command that works as pasted."""

    stack: str
    status: str
    blockers: tuple[Blocker, ...] = ()
    retained: tuple[Retained, ...] = ()
    # what to run: the delete that retains, a destroy, or the wait for an operation in progress
    command: str = ""
    reason: str = ""

    @property
    def retains(self) -> bool:
        """Is the way out a delete that retains what blocks (not a wait, a destroy or a fix of a reason)?"""
        return bool(self.blockers)

    def hint(self) -> str:
        """The way out without the state the line opens with: for a report that shows the state already."""
        if self.status == "DELETE_FAILED" and self.blockers:
            leaves = "; ".join(f"{r.logical_id}: {r.leaves}" for r in self.retained)
            return (
                f"Way out: {self.command} (the stack goes; left behind: {leaves}; `labkit leftovers` lists "
                "what stays)"
            )
        if self.status == "DELETE_FAILED":
            return f"fix the reason, then `{self.command}` again"
        if self.status in DELETE_ONLY:
            return f"CloudFormation allows only a delete now: `{self.command}`, then deploy it again"
        return f"another deploy or destroy of it still runs: wait for it (`{self.command}`), then try again"

    def line(self) -> str:
        """`<stack> is DELETE_FAILED: CloudFormation could not delete X (type: why). Way out: <command>`."""
        if self.status == "DELETE_FAILED" and self.blockers:
            failed = "; ".join(
                f"{b.logical_id} ({b.resource_type}: {_short(b.reason)})" for b in self.blockers
            )
            return f"{self.stack} is DELETE_FAILED: CloudFormation could not delete {failed}. {self.hint()}"
        why = f" ({_short(self.reason)})" if self.reason else ""
        return f"{self.stack} is {self.status}{why}: {self.hint()}"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _REASON_CHARS else f"{text[: _REASON_CHARS - 1]}…"


def stuck(status: str) -> bool:
    """Does this state stop a deploy (and, for DELETE_FAILED, a plain destroy)?"""
    in_progress = status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS"
    return status == "DELETE_FAILED" or status in DELETE_ONLY or in_progress


def way_out(session: boto3.Session, stack_name: str, *, lab_id: str | None = None) -> WayOut | None:
    """The way out for a stack in a state no deploy can go on from; None when it is not stuck (or gone)."""
    cloudformation: Any = session.client("cloudformation")
    try:
        described = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    status, name = str(described["StackStatus"]), str(described["StackName"])
    reason = str(described.get("StackStatusReason") or "")
    if not stuck(status):
        return None
    delete = f"aws cloudformation delete-stack --stack-name {name}"
    destroy = cdk_command("destroy", lab_id, name) if lab_id else delete
    if status in DELETE_ONLY:
        return WayOut(name, status, command=destroy, reason=reason)
    if status != "DELETE_FAILED":
        verb = next((v for v in _WAITERS if status.startswith(v)), "")
        waiter = _WAITERS.get(verb, "stack-update-complete")
        return WayOut(name, status, command=f"aws cloudformation wait {waiter} --stack-name {name}")
    blockers = delete_blockers(session, name)
    if not blockers:
        return WayOut(name, status, command=destroy, reason=reason)
    retained = [Retained(b.logical_id, _leaves(session, b)) for b in blockers]
    blocked = {b.logical_id for b in blockers}
    for resource in list_resources(session, name):
        if resource.logical_id not in blocked and _holds_objects(session, resource):
            retained.append(Retained(resource.logical_id, _bucket_leaves(session, resource.physical_id)))
    command = f"{delete} --retain-resources " + " ".join(r.logical_id for r in retained)
    return WayOut(name, status, tuple(blockers), tuple(retained), command, reason)


def way_out_hint(session: boto3.Session, stack_name: str, lab_id: str) -> str:
    """`; Way out: <command> ...` for a DELETE_FAILED stack with resources to retain, to follow a reason
    already shown; "" otherwise."""
    found = way_out(session, stack_name, lab_id=lab_id)
    return f"; {found.hint()}" if found is not None and found.retains else ""


def delete_blockers(session: boto3.Session, stack_name: str) -> list[Blocker]:
    """The resources the stack's last delete could not delete (their DELETE_FAILED events), still listed."""
    cloudformation: Any = session.client("cloudformation")
    pages = cloudformation.get_paginator("describe_stack_events").paginate(StackName=stack_name)
    blockers: dict[str, Blocker] = {}
    for event in (event for page in pages for event in page["StackEvents"]):  # newest first
        kind = str(event.get("ResourceType", ""))
        if kind == _STACK and event.get("ResourceStatus") == "DELETE_IN_PROGRESS":
            break  # the last delete started here: older failures were retried since
        if kind != _STACK and event.get("ResourceStatus") == "DELETE_FAILED":
            logical_id = str(event.get("LogicalResourceId", ""))
            blockers.setdefault(
                logical_id,
                Blocker(
                    logical_id,
                    kind,
                    str(event.get("PhysicalResourceId") or ""),
                    str(event.get("ResourceStatusReason") or ""),
                ),
            )
    listed = {r.logical_id for r in list_resources(session, stack_name) if r.status != "DELETE_COMPLETE"}
    return [blocker for logical_id, blocker in blockers.items() if logical_id in listed]


def _holds_objects(session: boto3.Session, resource: StackResource) -> bool:
    """A bucket of the stack that still holds objects: its delete would fail as well."""
    if resource.resource_type != _BUCKET or not resource.physical_id:
        return False
    try:
        listed = session.client("s3").list_objects_v2(Bucket=resource.physical_id, MaxKeys=1)
    except ClientError:
        return False  # gone, or not readable: nothing to predict
    return bool(listed.get("KeyCount"))


def _bucket_leaves(session: boto3.Session, bucket: str) -> str:
    pages = session.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket)
    objects = sum(int(page.get("KeyCount", 0)) for page in pages)
    return f"bucket {bucket} with {objects} object(s), billed until `aws s3 rb s3://{bucket} --force`"


def _leaves(session: boto3.Session, blocker: Blocker) -> str:
    if blocker.resource_type.startswith(_CUSTOM):
        return "nothing (a custom resource is CloudFormation's record; its function is not called)"
    if blocker.resource_type == _BUCKET and blocker.physical_id:
        return _bucket_leaves(session, blocker.physical_id)
    return f"{blocker.resource_type} {blocker.physical_id or blocker.logical_id}"
