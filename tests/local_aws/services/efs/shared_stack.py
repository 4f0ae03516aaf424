"""A CloudFormation template of what LabEfs builds, by hand: a VPC with two isolated subnets, a file
system with a mount target in each, an access point, and two functions that mount it. Each trap is one
argument away."""

from __future__ import annotations

from typing import Any

MOUNT = "/mnt/shared"
# the writer writes what it is asked to, the reader reads it back, both at the mount and in their own /tmp
WRITER = """
import json, os

def handler(event, context):
    path = os.path.join(os.environ["SHARED_DIR"], event["name"])
    with open(path, "w") as out:
        out.write(event["text"])
    with open("/tmp/" + event["name"], "w") as out:
        out.write(event["text"])
    return {"wrote": path}
"""
READER = """
import os, stat

def handler(event, context):
    shared = os.environ["SHARED_DIR"]
    path = os.path.join(shared, event["name"])
    mode = stat.S_IMODE(os.stat(shared).st_mode)
    text = open(path).read() if os.path.exists(path) else None
    return {"text": text, "mode": oct(mode), "in_tmp": os.path.exists("/tmp/" + event["name"]),
            "listed": sorted(os.listdir(shared))}
"""


def _subnet(cidr: str, zone: str) -> dict[str, Any]:
    return {
        "Type": "AWS::EC2::Subnet",
        "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": zone},
    }


def _function(code: str | dict[str, str], *, vpc: bool, mount: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Runtime": "python3.13",
        "Handler": "index.handler",
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        # inline code, or a zip in a bucket (as CDK deploys it: moto updates only the latter)
        "Code": {"ZipFile": code} if isinstance(code, str) else code,
        "Timeout": 10,
        "Environment": {"Variables": {"SHARED_DIR": MOUNT}},
    }
    if vpc:
        properties["VpcConfig"] = {
            "SubnetIds": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}],
            "SecurityGroupIds": [{"Fn::GetAtt": ["Functions", "GroupId"]}],
        }
    if mount:
        properties["FileSystemConfigs"] = [
            {"Arn": {"Fn::GetAtt": ["AccessPoint", "Arn"]}, "LocalMountPath": MOUNT}
        ]
    return {
        "Type": "AWS::Lambda::Function",
        "DependsOn": ["TargetA", "TargetB"],
        "Properties": properties,
    }


def shared_files(
    *,
    nfs_rule: bool = True,
    second_target: bool = True,
    posix_user: bool = True,
    vpc: bool = True,
    mount: bool = True,
    permissions: str = "750",
    code: dict[str, dict[str, str]] | None = None,
    creation_info: bool = True,
) -> dict[str, Any]:
    """The template's resources; each keyword turns one of LabEfs's guarantees off."""
    resources: dict[str, Any] = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/24"}},
        "SubnetA": _subnet("10.9.0.0/26", "us-east-1a"),
        "SubnetB": _subnet("10.9.0.64/26", "us-east-1b"),
        "Functions": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "the functions", "VpcId": {"Ref": "Vpc"}},
        },
        "Targets": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "the mount targets", "VpcId": {"Ref": "Vpc"}},
        },
        "FileSystem": {
            "Type": "AWS::EFS::FileSystem",
            "DeletionPolicy": "Delete",
            "Properties": {
                "Encrypted": True,
                "ThroughputMode": "bursting",
                "FileSystemTags": [{"Key": "labkit:lab", "Value": "LabEfs"}],
                "FileSystemPolicy": {"Version": "2012-10-17", "Statement": []},
            },
        },
        "TargetA": {
            "Type": "AWS::EFS::MountTarget",
            "Properties": {
                "FileSystemId": {"Ref": "FileSystem"},
                "SubnetId": {"Ref": "SubnetA"},
                "SecurityGroups": [{"Fn::GetAtt": ["Targets", "GroupId"]}],
            },
        },
        "TargetB": {
            "Type": "AWS::EFS::MountTarget",
            "Properties": {
                "FileSystemId": {"Ref": "FileSystem"},
                "SubnetId": {"Ref": "SubnetB" if second_target else "SubnetA"},
                "SecurityGroups": [{"Fn::GetAtt": ["Targets", "GroupId"]}],
            },
        },
        "AccessPoint": {
            "Type": "AWS::EFS::AccessPoint",
            "Properties": {
                "FileSystemId": {"Ref": "FileSystem"},
                "RootDirectory": {
                    "Path": "/lambda",
                    **(
                        {"CreationInfo": {"OwnerUid": "1001", "OwnerGid": "1001", "Permissions": permissions}}
                        if creation_info
                        else {}
                    ),
                },
                **({"PosixUser": {"Uid": "1001", "Gid": "1001"}} if posix_user else {}),
                "AccessPointTags": [{"Key": "labkit:lab", "Value": "LabEfs"}],
            },
        },
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
        },
        "Writer": _function((code or {}).get("Writer") or WRITER, vpc=vpc, mount=mount),
        "Reader": _function((code or {}).get("Reader") or READER, vpc=vpc, mount=mount),
    }
    if not second_target:
        # a mount target per zone: the second one of zone a would be refused, so there is only one
        del resources["TargetB"]
        for name in ("Writer", "Reader"):
            resources[name]["DependsOn"] = ["TargetA"]
    if nfs_rule:
        resources["Nfs"] = {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "Properties": {
                "GroupId": {"Fn::GetAtt": ["Targets", "GroupId"]},
                "IpProtocol": "tcp",
                "FromPort": 2049,
                "ToPort": 2049,
                "SourceSecurityGroupId": {"Fn::GetAtt": ["Functions", "GroupId"]},
            },
        }
    return resources
