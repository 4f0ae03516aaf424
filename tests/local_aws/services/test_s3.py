"""S3 parity: a non-empty bucket keeps its stack in DELETE_FAILED, with the reason, until it is emptied."""

from __future__ import annotations

import boto3

from tests.local_aws.services.stacks import deploy, status


def test_a_stack_with_a_non_empty_bucket_ends_delete_failed_and_keeps_the_bucket(
    session: boto3.Session,
) -> None:
    stack = deploy(session, {"Output": {"Type": "AWS::S3::Bucket"}})
    cloudformation = session.client("cloudformation")
    bucket = cloudformation.describe_stack_resource(StackName=stack, LogicalResourceId="Output")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    s3 = session.client("s3")
    s3.put_object(Bucket=bucket, Key="users.csv", Body=b"userId\nu-1\n")

    cloudformation.delete_stack(StackName=stack)
    failed = status(session, stack)
    remaining = [
        r["LogicalResourceId"]
        for r in cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    ]
    events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
    reasons = [
        e.get("ResourceStatusReason", "")
        for e in events
        if e["ResourceStatus"] == "DELETE_FAILED" and e["LogicalResourceId"] == "Output"
    ]
    s3.delete_object(Bucket=bucket, Key="users.csv")
    cloudformation.delete_stack(StackName=stack)

    assert failed == "DELETE_FAILED"
    assert remaining == ["Output"]
    assert len(reasons) == 1
    assert "BucketNotEmpty" in reasons[0]
    assert status(session, stack) == "DELETE_COMPLETE"
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
