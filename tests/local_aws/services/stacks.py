"""Helpers for the services' tests: stacks created the way the CDK CLI creates them, and functions to run.

The tests mirror local_aws/services, one folder or module per AWS service; each drives the kit's emulator
(the `session` fixture of tests/local_aws/conftest.py) through boto3.
"""

from __future__ import annotations

import io
import json
import textwrap
import uuid
import zipfile
from typing import Any

import boto3

# every entry of a test's deployment package carries this date, whenever it is built: two builds of the
# same files are the same bytes (zipfile stamps the current time otherwise, so a code hash would change)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# a custom resource's function that answers through the real cfn-response protocol, FAILED when asked to
ANSWERING = """
    import json, urllib.request

    def handler(event, context):
        failing = event["RequestType"] == event["ResourceProperties"].get("FailOn")
        body = {"Status": "FAILED" if failing else "SUCCESS", "Reason": "the lab said no",
                "PhysicalResourceId": "thing-1", "StackId": event["StackId"], "RequestId": event["RequestId"],
                "LogicalResourceId": event["LogicalResourceId"], "Data": {"Greeting": "hello"}}
        request = urllib.request.Request(event["ResponseURL"], data=json.dumps(body).encode(), method="PUT")
        urllib.request.urlopen(request, timeout=10).close()
"""


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def deploy(session: boto3.Session, resources: dict[str, Any], outputs: dict[str, Any] | None = None) -> str:
    """Create a stack the way the CDK CLI does (a change set); returns its id, which outlives the delete."""
    cloudformation = session.client("cloudformation")
    name = unique("parity")
    template = {"Resources": resources, **({"Outputs": outputs} if outputs else {})}
    stack_id = cloudformation.create_change_set(
        StackName=name, ChangeSetName="deploy", ChangeSetType="CREATE", TemplateBody=json.dumps(template)
    )["StackId"]
    cloudformation.execute_change_set(StackName=name, ChangeSetName="deploy")
    return str(stack_id)


def update(session: boto3.Session, stack: str, resources: dict[str, Any]) -> None:
    """Update a stack the way the CDK CLI does: an UPDATE change set, executed."""
    cloudformation = session.client("cloudformation")
    name = stack.split("/")[1]  # the CLI names the stack, not its id
    template = json.dumps({"Resources": resources})
    cloudformation.create_change_set(
        StackName=name, ChangeSetName="redeploy", ChangeSetType="UPDATE", TemplateBody=template
    )
    cloudformation.execute_change_set(StackName=name, ChangeSetName="redeploy")


def status(session: boto3.Session, stack: str) -> str:
    stacks = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    return str(stacks[0]["StackStatus"])


def function_zip(files: dict[str, str]) -> bytes:
    """A deployment package holding these source files (dedented), the same bytes whenever it is built."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, text in files.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            entry.external_attr = 0o644 << 16  # a regular file, readable by the function
            bundle.writestr(entry, textwrap.dedent(text))
    return buffer.getvalue()


def python_function(
    session: boto3.Session,
    source: str,
    *,
    timeout: int = 10,
    memory: int = 128,
    environment: dict[str, str] | None = None,
    log_group: str | None = None,
) -> str:
    """A Python 3.13 function whose handler is `app.handler` in `source`; returns its name."""
    role = session.client("iam").create_role(RoleName=unique("fn"), AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    name = unique("fn")
    options: dict[str, Any] = (
        {"LoggingConfig": {"LogGroup": log_group, "LogFormat": "Text"}} if log_group else {}
    )
    session.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": function_zip({"app.py": source})},
        Timeout=timeout,
        MemorySize=memory,
        Environment={"Variables": environment or {}},
        **options,
    )
    return name


def log_lines(session: boto3.Session, group: str) -> list[str]:
    events = session.client("logs").filter_log_events(logGroupName=group)["events"]
    return [event["message"] for event in events]


def network(cidr: str = "10.1.0.0/24") -> dict[str, Any]:
    """A public subnet the way the lab VPC builds it: route table, internet gateway, default route."""
    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": cidr}},
        "Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": "us-east-1a"},
        },
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Association": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"RouteTableId": {"Ref": "Table"}, "SubnetId": {"Ref": "Subnet"}},
        },
        "Gateway": {"Type": "AWS::EC2::InternetGateway"},
        "Attachment": {
            "Type": "AWS::EC2::VPCGatewayAttachment",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Gateway"}},
        },
        "DefaultRoute": {
            "Type": "AWS::EC2::Route",
            "DependsOn": ["Attachment"],
            "Properties": {
                "RouteTableId": {"Ref": "Table"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": {"Ref": "Gateway"},
            },
        },
        "PingOnly": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "ping only", "VpcId": {"Ref": "Vpc"}},
        },
    }


def instance_with_volume_and_address() -> dict[str, Any]:
    tags = [{"Key": "labkit:lab", "Value": "LabEc2"}]
    return {
        "Instance": {
            "Type": "AWS::EC2::Instance",
            "Properties": {
                "ImageId": "ami-12c6146b",
                "InstanceType": "t4g.nano",
                "SubnetId": {"Ref": "Subnet"},
                "SecurityGroupIds": [{"Fn::GetAtt": ["PingOnly", "GroupId"]}],
            },
        },
        "Data": {
            "Type": "AWS::EC2::Volume",
            "Properties": {
                "AvailabilityZone": "us-east-1a",
                "Size": 1,
                "VolumeType": "gp3",
                "Encrypted": True,
                "Tags": tags,
            },
        },
        "DataAttachment": {
            "Type": "AWS::EC2::VolumeAttachment",
            "Properties": {
                "Device": "/dev/sdf",
                "InstanceId": {"Ref": "Instance"},
                "VolumeId": {"Ref": "Data"},
            },
        },
        "Address": {
            "Type": "AWS::EC2::EIP",
            "DependsOn": ["Attachment"],
            "Properties": {"Domain": "vpc", "InstanceId": {"Ref": "Instance"}, "Tags": tags},
        },
    }
