"""CloudFormation parity: a stack stays describable, DELETE_IN_PROGRESS, while its resources are deleted."""

from __future__ import annotations

import threading
import time

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.local_aws.services.stacks import ANSWERING, deploy, python_function, status

pytestmark = pytest.mark.emulator
# answers as ANSWERING does, after taking its time over a delete (as the labs' bucket cleaner may)
SLOW_ON_DELETE = ANSWERING.replace(
    "    def handler(event, context):\n",
    "    def handler(event, context):\n        import time\n"
    '        time.sleep(3 if event["RequestType"] == "Delete" else 0)\n',
)


def test_a_stack_being_deleted_is_described_as_delete_in_progress_by_its_id(session: boto3.Session) -> None:
    function = session.client("lambda").get_function(FunctionName=python_function(session, SLOW_ON_DELETE))
    token = function["Configuration"]["FunctionArn"]
    stack = deploy(session, {"Thing": {"Type": "Custom::Thing", "Properties": {"ServiceToken": token}}})
    assert status(session, stack) == "CREATE_COMPLETE"
    seen: list[str] = []
    deleting = threading.Thread(
        target=lambda: session.client("cloudformation").delete_stack(StackName=stack), daemon=True
    )

    deleting.start()
    poller = session.client("cloudformation")  # what the CDK CLI's event poller asks meanwhile
    while deleting.is_alive():
        try:
            seen.append(poller.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"])
            poller.describe_stack_events(StackName=stack)
        except ClientError as error:
            seen.append(error.response["Error"]["Message"])
        time.sleep(0.2)
    deleting.join()

    assert "DELETE_IN_PROGRESS" in seen
    assert not [answer for answer in seen if "does not exist" in answer]
    assert status(session, stack) == "DELETE_COMPLETE"


def test_every_resource_of_a_stack_is_listed_with_its_logical_id_and_type(session: boto3.Session) -> None:
    stack = deploy(
        session,
        {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "QueuePolicy": {  # a type the emulator does not model (a known gap): still the stack's resource
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {
                    "Queues": [{"Ref": "Queue"}],
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": []},
                },
            },
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:x"}},
        },
    )

    summaries = session.client("cloudformation").list_stack_resources(StackName=stack)[
        "StackResourceSummaries"
    ]

    listed = {s["LogicalResourceId"]: s["ResourceType"] for s in summaries}
    assert listed == {
        "Queue": "AWS::SQS::Queue",
        "QueuePolicy": "AWS::SQS::QueuePolicy",
        "CDKMetadata": "AWS::CDK::Metadata",
    }
    assert all(s["PhysicalResourceId"] for s in summaries)
