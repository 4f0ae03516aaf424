"""LabEfs's parts: the shared file system and its mount targets, the access point, the functions mounting it.

Each trap of the lesson is closed here by construction: the file system is encrypted and deleted with its
stack (CDK's default is RETAIN), it has a mount target in every subnet the functions use (the same subnet
selection), NFS is open only from the functions' own security group, and the access point has a POSIX user
and a root directory created with its owner and permissions (without a POSIX user Lambda's writes fail).
The learner's starter (starter.py.tmpl) builds the file system with these and adds the rest by hand.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_efs as efs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from labs.constructs.functions import FunctionNetwork, LabFunction
from labs.constructs.nag import acknowledge
from labs.efs.spec import (
    ACCESS_POINT_PATH,
    MOUNT_PATH,
    MOUNT_VARIABLE,
    NFS_PORT,
    POSIX_GID,
    POSIX_UID,
    ROOT_PERMISSIONS,
    TIMEOUT_S,
    SharedFilesRole,
)

# what Lambda needs to put a function's network interfaces into a VPC (Lambda guide, "Giving Lambda functions
# access to resources in an Amazon VPC": ec2:CreateNetworkInterface, DescribeNetworkInterfaces, ...)
VPC_ACCESS_POLICY = "service-role/AWSLambdaVPCAccessExecutionRole"
VPC_ACCESS_FINDING = f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{VPC_ACCESS_POLICY}]"


def functions_security_group(scope: Construct, construct_id: str, *, vpc: ec2.IVpc) -> ec2.SecurityGroup:
    """The functions' own group: no inbound rule, and out only NFS to the mount targets (the file system adds
    that rule): in a subnet without a route out, nothing else would go anywhere anyway."""
    return ec2.SecurityGroup(
        scope,
        construct_id,
        vpc=vpc,
        description="LabEfs functions: no inbound, outbound NFS to the mount targets only",
        allow_all_outbound=False,
    )


class SharedFileSystem(Construct):
    """An encrypted EFS file system deleted with its stack, bursting throughput and no backups, with a mount
    target in each of `subnets` behind a security group that admits NFS from `clients` only."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        clients: ec2.ISecurityGroup,
    ) -> None:
        super().__init__(scope, construct_id)
        self.security_group = ec2.SecurityGroup(
            self,
            "MountTargets",
            vpc=vpc,
            description=f"LabEfs mount targets: NFS ({NFS_PORT}) from the functions only",
            allow_all_outbound=False,
        )
        self.file_system = efs.FileSystem(
            self,
            "FileSystem",
            vpc=vpc,
            # the functions' own subnets: a mount target in each zone they run in (else their creation fails)
            vpc_subnets=subnets,
            security_group=self.security_group,
            encrypted=True,
            # CDK keeps a file system after `cdk destroy` unless told otherwise (RETAIN is its default)
            removal_policy=RemovalPolicy.DESTROY,
            # bursting: no charge per GB read or written (elastic throughput bills each transfer)
            throughput_mode=efs.ThroughputMode.BURSTING,
            performance_mode=efs.PerformanceMode.GENERAL_PURPOSE,
            # AWS Backup's recovery points would outlive the lab
            enable_automatic_backups=False,
        )
        self.file_system.connections.allow_default_port_from(clients, "NFS from the lab's functions only")

    def lambda_access_point(self) -> efs.AccessPoint:
        """The access point the functions mount: a POSIX user, and a root directory created for it."""
        return self.file_system.add_access_point(
            "AccessPoint",
            path=ACCESS_POINT_PATH,
            create_acl=efs.Acl(owner_uid=POSIX_UID, owner_gid=POSIX_GID, permissions=ROOT_PERMISSIONS),
            posix_user=efs.PosixUser(uid=POSIX_UID, gid=POSIX_GID),
        )


def shared_files_function(
    scope: Construct,
    role: SharedFilesRole,
    *,
    code: lambda_.Code,
    network: FunctionNetwork,
    mount: lambda_.FileSystem | None,
) -> LabFunction:
    """One of the lab's functions, in the lab's subnets, mounting the access point at MOUNT_PATH."""
    built = LabFunction(
        scope,
        role.construct_id,
        handler=role.handler,
        code=code,
        description=f"LabEfs {role.label}: shares files through EFS at {MOUNT_PATH}",
        timeout=Duration.seconds(TIMEOUT_S),
        environment={MOUNT_VARIABLE: MOUNT_PATH},
        network=network,
        filesystem=mount,
    )
    acknowledge(
        built.role,
        "AwsSolutions-IAM5[Resource::*]",
        "elasticfilesystem:ClientMount names its access point in a condition (elasticfilesystem:"
        "AccessPointArn, the lab's one), not as a resource; CDK's from_efs_access_point grants it that way.",
    )
    # CDK adds it only to a role it creates itself; without it CreateFunction fails on AWS
    built.role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name(VPC_ACCESS_POLICY))
    acknowledge(
        built.role,
        VPC_ACCESS_FINDING,
        "Lambda needs it to create the function's network interfaces in the VPC; AWS maintains its actions.",
    )
    return built
