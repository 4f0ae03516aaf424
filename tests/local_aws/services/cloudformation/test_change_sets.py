"""CloudFormation parity: change sets belong to the live stack of their name, as CDK redeploys need."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.local_aws.services.stacks import unique

pytestmark = pytest.mark.emulator
TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
CDK_CHANGE_SET = "cdk-deploy-change-set"  # the one name the CDK CLI gives every deploy's change set


def create_stack(session: boto3.Session, name: str, *, topic: str = "Topic") -> str:
    """Create (or update) a one-topic stack as the CDK CLI does: its change set, then its execution."""
    cloudformation = session.client("cloudformation")
    exists = any(s["StackName"] == name for s in cloudformation.describe_stacks()["Stacks"])
    template = json.dumps({"Resources": {topic: {"Type": "AWS::SNS::Topic"}}})
    stack_id = cloudformation.create_change_set(
        StackName=name,
        ChangeSetName=CDK_CHANGE_SET,
        ChangeSetType="UPDATE" if exists else "CREATE",
        TemplateBody=template,
    )["StackId"]
    cloudformation.execute_change_set(StackName=name, ChangeSetName=CDK_CHANGE_SET)
    return str(stack_id)


def error_of(call: ClientError) -> tuple[str, str]:
    return call.response["Error"]["Code"], call.response["Error"]["Message"]


def test_a_change_set_deleted_after_a_redeploy_of_a_destroyed_stack_is_gone(session: boto3.Session) -> None:
    cloudformation = session.client("cloudformation")
    name = unique("LabStepFunction")
    create_stack(session, name)
    cloudformation.delete_stack(StackName=name)
    create_stack(session, name)

    # what `cdk deploy` does first on a redeploy, then waits for
    cloudformation.delete_change_set(StackName=name, ChangeSetName=CDK_CHANGE_SET)
    with pytest.raises(ClientError) as gone:
        cloudformation.describe_change_set(StackName=name, ChangeSetName=CDK_CHANGE_SET)

    assert error_of(gone.value) == ("ChangeSetNotFound", f"ChangeSet [{CDK_CHANGE_SET}] does not exist")
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_change_set_is_found_within_the_live_stack_of_its_name(session: boto3.Session) -> None:
    cloudformation = session.client("cloudformation")
    name = unique("LabDdbStream")
    old_id = create_stack(session, name)
    cloudformation.delete_stack(StackName=name)
    new_id = create_stack(session, name)

    described = cloudformation.describe_change_set(StackName=name, ChangeSetName=CDK_CHANGE_SET)

    assert described["StackId"] == new_id != old_id


def test_list_change_sets_lists_only_the_named_stack_and_refuses_a_missing_one(
    session: boto3.Session,
) -> None:
    cloudformation = session.client("cloudformation")
    mine, other = unique("LabEc2"), unique("LabAsg")
    mine_id = create_stack(session, mine)
    create_stack(session, other)

    listed = cloudformation.list_change_sets(StackName=mine)["Summaries"]
    with pytest.raises(ClientError) as missing:
        cloudformation.list_change_sets(StackName="NoSuchStack")

    assert [(c["StackId"], c["ChangeSetName"]) for c in listed] == [(mine_id, CDK_CHANGE_SET)]
    assert error_of(missing.value) == ("ValidationError", "Stack [NoSuchStack] does not exist")


def test_executing_a_change_set_deletes_the_stacks_other_change_sets(session: boto3.Session) -> None:
    cloudformation = session.client("cloudformation")
    name = unique("LabAsg")
    create_stack(session, name)
    for change_set, topic in (("review-a", "TopicA"), ("review-b", "TopicB")):
        cloudformation.create_change_set(
            StackName=name,
            ChangeSetName=change_set,
            ChangeSetType="UPDATE",
            TemplateBody=json.dumps({"Resources": {topic: {"Type": "AWS::SNS::Topic"}}}),
        )

    cloudformation.execute_change_set(StackName=name, ChangeSetName="review-b")

    listed = cloudformation.list_change_sets(StackName=name)["Summaries"]
    assert [c["ChangeSetName"] for c in listed] == ["review-b"]


def test_a_change_set_name_needs_its_stack_and_a_missing_stack_is_named(session: boto3.Session) -> None:
    cloudformation = session.client("cloudformation")

    with pytest.raises(ClientError) as no_stack:
        cloudformation.describe_change_set(ChangeSetName=CDK_CHANGE_SET)
    with pytest.raises(ClientError) as missing:
        cloudformation.delete_change_set(StackName="NoSuchStack", ChangeSetName=CDK_CHANGE_SET)

    assert error_of(no_stack.value)[0] == "ValidationError"
    assert error_of(missing.value) == ("ValidationError", "Stack [NoSuchStack] does not exist")


def test_a_second_create_change_set_joins_the_stack_under_review(session: boto3.Session) -> None:
    """moto makes a second stack of the same name; AWS keeps one stack in REVIEW_IN_PROGRESS."""
    cloudformation = session.client("cloudformation")
    name = unique("ReviewTwice")
    first = cloudformation.create_change_set(
        StackName=name, ChangeSetName="first", TemplateBody=TEMPLATE, ChangeSetType="CREATE"
    )
    # a deploy interrupted after CreateChangeSet, run again
    second = cloudformation.create_change_set(
        StackName=name, ChangeSetName="second", TemplateBody=TEMPLATE, ChangeSetType="CREATE"
    )

    assert second["StackId"] == first["StackId"]
    live = [s for s in cloudformation.list_stacks()["StackSummaries"] if s["StackName"] == name]
    assert [s["StackStatus"] for s in live] == ["REVIEW_IN_PROGRESS"]
    cloudformation.execute_change_set(ChangeSetName="second", StackName=name)
    cloudformation.delete_stack(StackName=name)
    remaining = [
        s
        for s in cloudformation.list_stacks()["StackSummaries"]
        if s["StackName"] == name and s["StackStatus"] != "DELETE_COMPLETE"
    ]
    assert remaining == []
