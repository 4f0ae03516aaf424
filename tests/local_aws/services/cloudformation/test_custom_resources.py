"""CloudFormation parity: a custom resource runs its function on create and delete; its answer decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.local_aws.services.stacks import ANSWERING, deploy, function_zip, python_function, status, unique

LAMBDA_SRC = Path(__file__).resolve().parents[4] / "lambda_src"
CLEANER = LAMBDA_SRC / "bucket_cleaner" / "handler.py"
# the answer to CloudFormation the cleaner shares with the kit's other custom resource functions
RESPONSE = LAMBDA_SRC / "cfn_response" / "__init__.py"


def cleaner(session: boto3.Session) -> str:
    role = session.client("iam").create_role(RoleName=unique("cleaner"), AssumeRolePolicyDocument="{}")
    name = unique("cleaner")
    session.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role["Role"]["Arn"],
        Handler="bucket_cleaner.handler.handler",
        Code={
            "ZipFile": function_zip(
                {
                    "bucket_cleaner/__init__.py": "",
                    "bucket_cleaner/handler.py": CLEANER.read_text(),
                    "cfn_response/__init__.py": RESPONSE.read_text(),
                }
            )
        },
        Timeout=60,
    )
    return str(session.client("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"])


def physical(session: boto3.Session, stack: str, logical_id: str) -> str:
    detail = session.client("cloudformation").describe_stack_resource(
        StackName=stack, LogicalResourceId=logical_id
    )
    return str(detail["StackResourceDetail"]["PhysicalResourceId"])


def test_the_deployed_bucket_cleaner_empties_its_bucket_so_the_stack_deletes(session: boto3.Session) -> None:
    stack = deploy(
        session,
        {
            "Output": {"Type": "AWS::S3::Bucket"},
            "EmptyOnDelete": {
                "Type": "Custom::EmptyBucketOnDelete",
                "Properties": {"ServiceToken": cleaner(session), "BucketName": {"Ref": "Output"}},
            },
        },
    )
    bucket = physical(session, stack, "Output")
    s3 = session.client("s3")
    for key in ("stream/a.csv", "direct/b.csv"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"userId\n")

    session.client("cloudformation").delete_stack(StackName=stack)

    assert status(session, stack) == "DELETE_COMPLETE"
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_custom_resource_keeps_the_physical_id_and_data_its_function_answered(
    session: boto3.Session,
) -> None:
    token = session.client("lambda").get_function(FunctionName=python_function(session, ANSWERING))
    stack = deploy(
        session,
        {
            "Thing": {
                "Type": "Custom::Thing",
                "Properties": {"ServiceToken": token["Configuration"]["FunctionArn"]},
            }
        },
        outputs={"Greeting": {"Value": {"Fn::GetAtt": ["Thing", "Greeting"]}}},
    )

    outputs = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    assert status(session, stack) == "CREATE_COMPLETE"
    assert physical(session, stack, "Thing") == "thing-1"
    assert outputs == [{"OutputKey": "Greeting", "OutputValue": "hello"}]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (ANSWERING, "Delete failed: the lab said no"),
        ("def handler(event, context):\n    return None\n", "sent no answer"),
    ],
)
def test_a_delete_answered_failed_or_never_answered_leaves_the_stack_delete_failed(
    session: boto3.Session, source: str, reason: str
) -> None:
    function = session.client("lambda").get_function(FunctionName=python_function(session, source))
    properties: dict[str, Any] = {
        "ServiceToken": function["Configuration"]["FunctionArn"],
        "FailOn": "Delete",
    }
    resources = {"Thing": {"Type": "Custom::Thing", "Properties": properties}}
    if source != ANSWERING:  # a function that never answers fails its create already: give it one that does
        answering = session.client("lambda").get_function(FunctionName=python_function(session, ANSWERING))
        properties["ServiceToken"] = answering["Configuration"]["FunctionArn"]
        session.client("lambda").update_function_code(
            FunctionName=answering["Configuration"]["FunctionName"],
            ZipFile=function_zip({"app.py": ANSWERING}),
        )
    stack = deploy(session, resources)
    if source != ANSWERING:
        session.client("lambda").update_function_code(
            FunctionName=properties["ServiceToken"].rsplit(":", 1)[-1],
            ZipFile=function_zip({"app.py": source}),
        )

    session.client("cloudformation").delete_stack(StackName=stack)

    described = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    events = session.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    assert described["StackStatus"] == "DELETE_FAILED"
    assert any(reason in event.get("ResourceStatusReason", "") for event in events)


def test_a_create_answered_failed_rolls_the_stack_back_with_the_reason(session: boto3.Session) -> None:
    function = session.client("lambda").get_function(FunctionName=python_function(session, ANSWERING))
    token = function["Configuration"]["FunctionArn"]

    stack = deploy(
        session,
        {
            "Output": {"Type": "AWS::S3::Bucket"},
            "Thing": {"Type": "Custom::Thing", "Properties": {"ServiceToken": token, "FailOn": "Create"}},
        },
    )

    events = session.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    assert status(session, stack) == "ROLLBACK_COMPLETE"
    assert any("Create failed: the lab said no" in event.get("ResourceStatusReason", "") for event in events)
