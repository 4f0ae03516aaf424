"""Before destroy on the emulator, the bucket cleaner's own code empties the buckets it would empty on AWS."""

from __future__ import annotations

import json
import uuid

import boto3

from labs.emulator.custom_resources import IN_PROCESS_NOTE, run_delete_handlers


def cleaner_function(session: boto3.Session) -> str:
    role = session.client("iam").create_role(
        RoleName=f"cleaner-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument="{}"
    )
    function = session.client("lambda").create_function(
        FunctionName=f"cleaner-{uuid.uuid4().hex[:8]}",
        Runtime="python3.13",
        Role=role["Role"]["Arn"],
        Handler="bucket_cleaner.handler.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
    )
    return str(function["FunctionArn"])


def lab_stack(session: boto3.Session, service_token: str) -> str:
    template = {
        "Resources": {
            "Output": {"Type": "AWS::S3::Bucket"},
            "EmptyOnDelete": {
                "Type": "Custom::EmptyBucketOnDelete",
                "Properties": {"ServiceToken": service_token, "BucketName": {"Ref": "Output"}},
            },
            "SomethingElse": {"Type": "Custom::Other", "Properties": {"ServiceToken": service_token}},
        }
    }
    name = f"cleaner-{uuid.uuid4().hex[:8]}"
    session.client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))
    return name


def test_the_cleaner_empties_the_lab_bucket_and_names_what_it_did_not_run(session: boto3.Session) -> None:
    stack = lab_stack(session, cleaner_function(session))
    cloudformation = session.client("cloudformation")
    bucket = cloudformation.describe_stack_resource(StackName=stack, LogicalResourceId="Output")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    s3 = session.client("s3")
    for key in ("stream/a.csv", "stream/b.csv", "direct/c.csv"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"userId\n")

    result = run_delete_handlers(session, stack)
    cloudformation.delete_stack(StackName=stack)

    assert result.emptied == {bucket: 3}
    assert result.not_run == ["SomethingElse (Custom::Other)"]
    assert result.notes[0].startswith(IN_PROCESS_NOTE)
    assert f"{bucket}: 3 objects" in result.notes[0]
    assert "Custom::Other" in result.notes[1]
    # emptied, the bucket went with its stack: the emulator fails a non-empty bucket's delete, as AWS does
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
