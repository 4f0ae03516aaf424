"""LabEfs keeps its promises in the template: each trap of the lesson is closed by construction.

Encrypted and deleted with the stack (CDK's default is RETAIN), bursting throughput, no backups; a mount
target in every subnet the functions use; NFS in only from the functions' own group; an access point with a
POSIX user and a root directory created with its owner and permissions; both functions mount it, in the
NAT-free VPC, reaching nothing but the file system.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from labs.efs.spec import (
    ACCESS_POINT_PATH,
    FUNCTIONS,
    MOUNT_PATH,
    MOUNT_VARIABLE,
    NFS_PORT,
    POSIX_GID,
    POSIX_UID,
    ROOT_PERMISSIONS,
)
from tests.synth import CDK_GROUP, Template, only, props, resources, role_of, statements

pytestmark = CDK_GROUP


@pytest.fixture(scope="module")
def template(templates: dict[str, Template]) -> Template:
    return templates["LabEfs"]


def _logical_id(template: Template, resource_type: str) -> str:
    (found,) = resources(template, resource_type)
    return found


def _functions(template: Template) -> dict[str, dict[str, Any]]:
    found = resources(template, "AWS::Lambda::Function")
    return {
        role.construct_id: next(
            r for key, r in found.items() if key.startswith(f"{role.construct_id}Function")
        )
        for role in FUNCTIONS
    }


def _group_of(reference: dict[str, Any]) -> str:
    group: str = reference["Fn::GetAtt"][0]
    return group


def test_the_file_system_is_encrypted_bursting_without_backups_and_deleted_with_the_stack(
    template: Template,
) -> None:
    file_system = only(template, "AWS::EFS::FileSystem")
    properties = props(file_system)

    assert properties["Encrypted"] is True
    assert (file_system["DeletionPolicy"], file_system["UpdateReplacePolicy"]) == ("Delete", "Delete")
    assert properties["ThroughputMode"] == "bursting"
    assert properties.get("BackupPolicy", {"Status": "DISABLED"}) == {"Status": "DISABLED"}
    assert "LifecyclePolicies" not in properties
    # a regional file system: One Zone would take no second mount target (no AvailabilityZoneName)
    assert "AvailabilityZoneName" not in properties


def test_a_mount_target_in_every_subnet_the_functions_use(template: Template) -> None:
    mount_targets = resources(template, "AWS::EFS::MountTarget")
    targets = {props(t)["SubnetId"]["Ref"] for t in mount_targets.values()}

    for function in _functions(template).values():
        subnets = {s["Ref"] for s in props(function)["VpcConfig"]["SubnetIds"]}
        assert subnets == targets
        # the function waits for them: its creation fails on AWS while a zone has no mount target
        assert set(mount_targets) <= set(function["DependsOn"])
    assert len(targets) == 2


def test_nfs_is_open_only_from_the_functions_group(template: Template) -> None:
    functions_group = {
        _group_of(g) for f in _functions(template).values() for g in props(f)["VpcConfig"]["SecurityGroupIds"]
    }
    target_groups = {
        _group_of(g)
        for t in resources(template, "AWS::EFS::MountTarget").values()
        for g in props(t)["SecurityGroups"]
    }
    ingress = list(resources(template, "AWS::EC2::SecurityGroupIngress").values())
    egress = list(resources(template, "AWS::EC2::SecurityGroupEgress").values())
    groups = resources(template, "AWS::EC2::SecurityGroup")

    assert len(functions_group) == 1
    assert len(target_groups) == 1
    assert [(props(r)["IpProtocol"], props(r)["FromPort"], props(r)["ToPort"]) for r in ingress] == [
        ("tcp", NFS_PORT, NFS_PORT)
    ]
    assert {_group_of(props(ingress[0])["SourceSecurityGroupId"])} == functions_group
    assert {_group_of(props(ingress[0])["GroupId"])} == target_groups
    # the functions' only way out is NFS to the mount targets; neither group lets anything else in
    assert [_group_of(props(r)["DestinationSecurityGroupId"]) for r in egress] == list(target_groups)
    for logical_id in functions_group | target_groups:
        assert "SecurityGroupIngress" not in props(groups[logical_id])
        assert all(
            rule.get("CidrIp") == "255.255.255.255/32"
            for rule in props(groups[logical_id]).get("SecurityGroupEgress", [])
        )


def test_the_access_point_has_a_posix_user_and_creates_its_root_directory(template: Template) -> None:
    access_point = props(only(template, "AWS::EFS::AccessPoint"))

    assert access_point["PosixUser"] == {"Uid": POSIX_UID, "Gid": POSIX_GID}
    assert access_point["RootDirectory"] == {
        "Path": ACCESS_POINT_PATH,
        "CreationInfo": {"OwnerUid": POSIX_UID, "OwnerGid": POSIX_GID, "Permissions": ROOT_PERMISSIONS},
    }


def test_both_functions_mount_the_access_point_and_may_only_mount_and_write_it(template: Template) -> None:
    access_point = _logical_id(template, "AWS::EFS::AccessPoint")
    file_system = _logical_id(template, "AWS::EFS::FileSystem")

    for function in _functions(template).values():
        properties = props(function)
        (mount,) = properties["FileSystemConfigs"]
        assert mount["LocalMountPath"] == MOUNT_PATH
        assert {"Ref": access_point} in mount["Arn"]["Fn::Join"][1]
        assert properties["Environment"]["Variables"][MOUNT_VARIABLE] == MOUNT_PATH
        granted = {
            s["Action"]: s
            for s in statements(template, role_of(function))
            if "elasticfilesystem" in str(s["Action"])
        }
        assert set(granted) == {"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"}
        # mount only through the lab's access point, write only to the lab's file system
        assert access_point in json.dumps(granted["elasticfilesystem:ClientMount"]["Condition"])
        assert file_system in json.dumps(granted["elasticfilesystem:ClientWrite"]["Resource"])


def test_the_functions_run_in_the_nat_free_vpc_with_lambda_s_network_policy(template: Template) -> None:
    roles = resources(template, "AWS::IAM::Role")

    assert resources(template, "AWS::EC2::NatGateway") == {}
    assert resources(template, "AWS::EC2::InternetGateway") == {}
    assert resources(template, "AWS::EC2::Route") == {}
    # they call no AWS API: no endpoint either, the table they stage is in their own code
    assert resources(template, "AWS::EC2::VPCEndpoint") == {}
    for function in _functions(template).values():
        managed = str(props(roles[role_of(function)])["ManagedPolicyArns"])
        assert "service-role/AWSLambdaVPCAccessExecutionRole" in managed


def test_cdk_alone_would_keep_the_file_system_after_destroy() -> None:
    """The trap the lab closes: CDK's efs.FileSystem defaults to RETAIN."""
    from aws_cdk import App, Stack
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_efs as efs

    from labs.cdk_json import feature_flags

    app = App(context=feature_flags())
    stack = Stack(app, "Plain")
    efs.FileSystem(stack, "FileSystem", vpc=ec2.Vpc(stack, "Vpc", nat_gateways=0))
    plain = app.synth().get_stack_by_name("Plain").template

    assert only(plain, "AWS::EFS::FileSystem")["DeletionPolicy"] == "Retain"


def test_the_outputs_run_the_hands_on(template: Template) -> None:
    outputs = template["Outputs"]

    for name in ("WriteCommand", "ReadCommand"):
        assert "aws lambda invoke --function-name" in str(outputs[name]["Value"])
        assert "python3 -m json.tool" in str(outputs[name]["Value"])
    assert "update-function-configuration" in str(outputs["ForceColdStartCommand"]["Value"])
    assert "describe-mount-targets" in str(outputs["MountTargetsCommand"]["Value"])
    assert "describe-access-points" in str(outputs["AccessPointCommand"]["Value"])
