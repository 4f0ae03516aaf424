"""CloudFormation parity: what a stack's state allows next, as AWS documents it (stack_states.py).

DELETE_FAILED, ROLLBACK_COMPLETE, ROLLBACK_FAILED, UPDATE_ROLLBACK_FAILED, REVIEW_IN_PROGRESS and every
*_IN_PROGRESS refuse an update; a DELETE_FAILED stack goes with DeleteStack's RetainResources (only there);
a change set runs only when its status and its stack's state allow it; DeleteStack waits for no update.
"""

from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local_aws.services.cloudformation.stack_states import delete_refusal, update_refusal
from tests.local_aws.services.stacks import ANSWERING, deploy, python_function, status, unique, update

pytestmark = pytest.mark.emulator
# answers FAILED to a Delete, SUCCESS to the rest: a resource the stack cannot delete, as a non-empty bucket
REFUSES_DELETE = {"FailOn": "Delete"}
# answers as ANSWERING does, after taking its time over a Create (a bucket cleaner's first run, say)
QUEUE = json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
SLOW_ON_CREATE = ANSWERING.replace(
    "    def handler(event, context):\n",
    "    def handler(event, context):\n        import time\n"
    '        time.sleep(3 if event["RequestType"] == "Create" else 0)\n',
)


def _token(session: boto3.Session, source: str = ANSWERING) -> str:
    name = python_function(session, source)
    return str(session.client("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"])


def _custom(token: str, **properties: Any) -> dict[str, Any]:
    return {"Type": "Custom::Thing", "Properties": {"ServiceToken": token, **properties}}


def _error(call: Any, **arguments: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**arguments)
    details = raised.value.response["Error"]
    return str(details["Code"]), str(details["Message"])


def _update_refusal(session: boto3.Session, name: str, template: str = QUEUE) -> tuple[str, str]:
    """What CreateChangeSet answers to an UPDATE change set for the stack named so (the CDK CLI's deploy)."""
    cloudformation = session.client("cloudformation")
    return _error(
        cloudformation.create_change_set,
        StackName=name,
        ChangeSetName=unique("redeploy"),
        ChangeSetType="UPDATE",
        TemplateBody=template,
    )


def _wait_for(session: boto3.Session, stack: str, state: str) -> str:
    """The stack's state once it is `state`, or after 10 s."""
    deadline = time.monotonic() + 10
    while status(session, stack) != state and time.monotonic() < deadline:
        time.sleep(0.1)
    return status(session, stack)


def _delete_failed_stack(session: boto3.Session) -> tuple[str, str]:
    """A stack whose delete failed on one resource (its Delete answered FAILED); (stack id, queue URL)."""
    stack = deploy(
        session, {"Queue": {"Type": "AWS::SQS::Queue"}, "Stuck": _custom(_token(session), **REFUSES_DELETE)}
    )
    cloudformation = session.client("cloudformation")
    queue = next(
        r["PhysicalResourceId"]
        for r in cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]
        if r["LogicalResourceId"] == "Queue"
    )
    cloudformation.delete_stack(StackName=stack)
    assert status(session, stack) == "DELETE_FAILED"
    return stack, queue


def test_a_delete_failed_stack_names_the_resource_that_failed_and_why(session: boto3.Session) -> None:
    stack, _ = _delete_failed_stack(session)
    cloudformation = session.client("cloudformation")

    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
    listed = cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]

    assert described["StackStatusReason"] == "The following resource(s) failed to delete: [Stuck]. "
    failed = [
        e for e in events if e["ResourceStatus"] == "DELETE_FAILED" and e["LogicalResourceId"] == "Stuck"
    ]
    assert failed
    assert failed[0]["ResourceType"] == "Custom::Thing"
    assert "Delete failed: the lab said no" in failed[0]["ResourceStatusReason"]
    assert {r["LogicalResourceId"]: r["ResourceStatus"] for r in listed} == {"Stuck": "DELETE_FAILED"}


def test_a_delete_failed_stack_refuses_an_update_as_aws_does(session: boto3.Session) -> None:
    stack, _ = _delete_failed_stack(session)
    cloudformation = session.client("cloudformation")
    name = stack.split("/")[1]

    by_change_set = _update_refusal(session, name)
    by_update = _error(cloudformation.update_stack, StackName=name, TemplateBody=QUEUE)
    recreated = _error(
        cloudformation.create_change_set,
        StackName=name,
        ChangeSetName="again",
        ChangeSetType="CREATE",
        TemplateBody=QUEUE,
    )

    refusal = ("ValidationError", f"Stack:{stack} is in DELETE_FAILED state and can not be updated.")
    assert by_change_set == refusal
    assert by_update == refusal
    assert recreated == (
        "ValidationError",
        f"Stack [{name}] already exists and cannot be created again with the changeSet [again].",
    )
    assert status(session, stack) == "DELETE_FAILED"


def test_retain_resources_deletes_a_delete_failed_stack_and_leaves_what_it_retains(
    session: boto3.Session,
) -> None:
    stack, queue = _delete_failed_stack(session)
    cloudformation = session.client("cloudformation")

    already_gone = _error(cloudformation.delete_stack, StackName=stack, RetainResources=["Queue"])
    cloudformation.delete_stack(StackName=stack, RetainResources=["Stuck"])
    events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]

    assert already_gone == (
        "ValidationError",
        "The specified resources to retain must be in a valid state. Do not specify resources that are in "
        "the DELETE_COMPLETE state.",
    )
    assert status(session, stack) == "DELETE_COMPLETE"
    assert next(e["ResourceStatus"] for e in events if e["LogicalResourceId"] == "Stuck") == "DELETE_SKIPPED"
    # the queue went with the first delete; nothing of the stack but what was retained stays
    with pytest.raises(ClientError):
        session.client("sqs").get_queue_attributes(QueueUrl=queue)


def test_retain_resources_is_refused_for_a_stack_that_is_not_delete_failed(session: boto3.Session) -> None:
    stack = deploy(session, {"Queue": {"Type": "AWS::SQS::Queue"}})

    refused = _error(
        session.client("cloudformation").delete_stack, StackName=stack, RetainResources=["Queue"]
    )

    assert refused == (
        "ValidationError",
        f"Invalid operation on stack [{stack}]. When you delete a stack, specify which resources to retain "
        "only when the stack is in the DELETE_FAILED state.",
    )
    assert status(session, stack) == "CREATE_COMPLETE"


def test_force_delete_stack_deletes_a_delete_failed_stack_and_keeps_what_cannot_go(
    session: boto3.Session,
) -> None:
    stack, _ = _delete_failed_stack(session)
    cloudformation = session.client("cloudformation")

    cloudformation.delete_stack(StackName=stack, DeletionMode="FORCE_DELETE_STACK")
    events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]

    assert status(session, stack) == "DELETE_COMPLETE"
    assert "DELETE_SKIPPED" in [e["ResourceStatus"] for e in events if e["LogicalResourceId"] == "Stuck"]


def test_a_rolled_back_create_allows_only_a_delete(session: boto3.Session) -> None:
    stack = deploy(session, {"Broken": _custom(_token(session), FailOn="Create")})
    name = stack.split("/")[1]
    cloudformation = session.client("cloudformation")
    assert status(session, stack) == "ROLLBACK_COMPLETE"

    refused = _update_refusal(session, name)
    cloudformation.delete_stack(StackName=name)

    assert refused == (
        "ValidationError",
        f"Stack:{stack} is in ROLLBACK_COMPLETE state and can not be updated.",
    )
    assert status(session, stack) == "DELETE_COMPLETE"


def test_a_create_whose_rollback_failed_allows_only_a_delete(session: boto3.Session) -> None:
    token = _token(session)
    # Kept is created, then Broken fails; the rollback cannot delete Kept
    stack = deploy(
        session,
        {
            "Kept": _custom(token, **REFUSES_DELETE),
            "Broken": _custom(token, FailOn="Create", After={"Ref": "Kept"}),
        },
    )
    name = stack.split("/")[1]
    cloudformation = session.client("cloudformation")
    assert status(session, stack) == "ROLLBACK_FAILED"

    refused = _error(cloudformation.update_stack, StackName=name, TemplateBody=json.dumps({"Resources": {}}))
    cloudformation.delete_stack(StackName=name)
    assert status(session, stack) == "DELETE_FAILED"
    cloudformation.delete_stack(StackName=name, RetainResources=["Kept"])

    assert refused == (
        "ValidationError",
        f"Stack:{stack} is in ROLLBACK_FAILED state and can not be updated.",
    )
    assert status(session, stack) == "DELETE_COMPLETE"


def test_a_stack_under_review_takes_no_update_change_set(session: boto3.Session) -> None:
    cloudformation = session.client("cloudformation")
    name = unique("review")
    stack = cloudformation.create_change_set(
        StackName=name, ChangeSetName="first", ChangeSetType="CREATE", TemplateBody=QUEUE
    )["StackId"]

    refused = _update_refusal(session, name)
    cloudformation.delete_stack(StackName=name)

    assert refused == (
        "ValidationError",
        f"Stack:{stack} is in REVIEW_IN_PROGRESS state and can not be updated.",
    )
    assert status(session, stack) == "DELETE_COMPLETE"


def test_a_change_set_runs_only_once_and_only_with_changes(session: boto3.Session) -> None:
    stack = deploy(session, {"Queue": {"Type": "AWS::SQS::Queue"}})
    name = stack.split("/")[1]
    cloudformation = session.client("cloudformation")
    same = cloudformation.create_change_set(
        StackName=name,
        ChangeSetName="same",
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(cloudformation.get_template(StackName=name)["TemplateBody"]),
    )["Id"]
    executed = cloudformation.describe_change_set(StackName=name, ChangeSetName="deploy")["ChangeSetId"]

    no_changes = _error(cloudformation.execute_change_set, ChangeSetName=same)
    again = _error(cloudformation.execute_change_set, ChangeSetName=executed)

    assert no_changes == (
        "InvalidChangeSetStatus",
        f"ChangeSet [{same}] cannot be executed in its current status of [FAILED]",
    )
    assert again == (
        "InvalidChangeSetStatus",
        f"ChangeSet [{executed}] cannot be executed in its current execution status of [EXECUTE_COMPLETE]",
    )
    assert status(session, stack) == "CREATE_COMPLETE"


def test_a_stack_being_updated_is_update_in_progress_and_refuses_another_update_or_a_delete(
    session: boto3.Session,
) -> None:
    stack = deploy(session, {"Queue": {"Type": "AWS::SQS::Queue"}})
    name = stack.split("/")[1]
    slow = {"Queue": {"Type": "AWS::SQS::Queue"}, "Slow": _custom(_token(session, SLOW_ON_CREATE))}
    updating = threading.Thread(target=lambda: update(session, stack, slow), daemon=True)
    cloudformation = session.client("cloudformation")

    updating.start()
    seen = _wait_for(session, stack, "UPDATE_IN_PROGRESS")
    another = _update_refusal(session, name, json.dumps({"Resources": {}}))
    deleting = _error(cloudformation.delete_stack, StackName=name)
    updating.join()

    assert seen == "UPDATE_IN_PROGRESS"
    assert another == (
        "ValidationError",
        f"Stack:{stack} is in UPDATE_IN_PROGRESS state and can not be updated.",
    )
    assert deleting == (
        "ValidationError",
        f"Stack [{stack}] cannot be deleted while in status UPDATE_IN_PROGRESS",
    )
    assert status(session, stack) == "UPDATE_COMPLETE"


def test_a_delete_asked_while_the_stack_is_created_deletes_it_once_created(session: boto3.Session) -> None:
    token = _token(session, SLOW_ON_CREATE)
    cloudformation = session.client("cloudformation")
    name = unique("creating")
    template = json.dumps({"Resources": {"Slow": _custom(token)}})
    stack = cloudformation.create_change_set(
        StackName=name, ChangeSetName="deploy", ChangeSetType="CREATE", TemplateBody=template
    )["StackId"]
    creating = threading.Thread(
        target=lambda: cloudformation.execute_change_set(StackName=name, ChangeSetName="deploy"), daemon=True
    )

    creating.start()
    seen = _wait_for(session, stack, "CREATE_IN_PROGRESS")
    session.client("cloudformation").delete_stack(StackName=name)
    creating.join()

    assert seen == "CREATE_IN_PROGRESS"
    assert status(session, stack) == "DELETE_COMPLETE"


# every stack status AWS lists (CloudFormation user guide, "Stack status codes"), and whether an update may
# start from it: a working state, or a create or update paused by DisableRollback
UPDATE_ALLOWED = {
    "CREATE_COMPLETE": True,
    "UPDATE_COMPLETE": True,
    "UPDATE_ROLLBACK_COMPLETE": True,
    "IMPORT_COMPLETE": True,
    "IMPORT_ROLLBACK_COMPLETE": True,
    "CREATE_FAILED": True,
    "UPDATE_FAILED": True,
    "CREATE_IN_PROGRESS": False,
    "DELETE_IN_PROGRESS": False,
    "DELETE_FAILED": False,
    "REVIEW_IN_PROGRESS": False,
    "ROLLBACK_IN_PROGRESS": False,
    "ROLLBACK_COMPLETE": False,
    "ROLLBACK_FAILED": False,
    "UPDATE_IN_PROGRESS": False,
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": False,
    "UPDATE_ROLLBACK_IN_PROGRESS": False,
    "UPDATE_ROLLBACK_FAILED": False,
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS": False,
    "IMPORT_IN_PROGRESS": False,
    "IMPORT_ROLLBACK_IN_PROGRESS": False,
    "IMPORT_ROLLBACK_FAILED": False,
}


@pytest.mark.parametrize(("state", "allowed"), sorted(UPDATE_ALLOWED.items()))
def test_each_state_allows_an_update_and_a_delete_as_aws_documents(state: str, allowed: bool) -> None:
    stack = SimpleNamespace(status=state, stack_id="arn:aws:cloudformation:us-east-1:1:stack/s/1")

    refusal = update_refusal(stack)
    deleting = delete_refusal(stack)

    assert (refusal == "") is allowed
    if not allowed:
        assert refusal == f"Stack:{stack.stack_id} is in {state} state and can not be updated."
    # a delete waits for no update or rollback; every other state may be deleted (a create is cancelled)
    busy = state.endswith("_IN_PROGRESS") and state not in {
        "CREATE_IN_PROGRESS",
        "DELETE_IN_PROGRESS",
        "REVIEW_IN_PROGRESS",
    }
    assert (deleting != "") is busy
