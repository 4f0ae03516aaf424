"""LabEfs: one EFS file system shared by two Lambda functions in the lab's NAT-free VPC, against /tmp and EBS.

The writer stages a reference table onto the file system on first use; the reader finds it on every
invocation, also after a cold start, where its own /tmp starts empty. The functions need nothing but their
mount: their code carries the table, so they call no AWS API and need neither a NAT gateway nor an endpoint.
"""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from labs.constructs.functions import FunctionNetwork, LabFunction, lambda_src_code
from labs.constructs.lab_stack import LabStack
from labs.constructs.network import LabVpc
from labs.efs.constructs import SharedFileSystem, functions_security_group, shared_files_function
from labs.efs.outputs import hands_on_outputs
from labs.efs.spec import FUNCTIONS, LAB_ID, MOUNT_PATH
from labs.settings import LabSettings


class LabEfsStack(LabStack):
    """LabEfs: an encrypted file system, its mount targets and access point, two functions sharing it."""

    def __init__(self, scope: Construct, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            LAB_ID,
            settings=settings,
            description="one EFS file system shared by two Lambda functions, against /tmp and EBS",
        )
        network = LabVpc(self, "Network", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self.functions_group = functions_security_group(self, "Functions", vpc=network.vpc)
        self.shared = SharedFileSystem(
            self, "Shared", vpc=network.vpc, subnets=network.subnets, clients=self.functions_group
        )
        self.access_point = self.shared.lambda_access_point()
        place = FunctionNetwork(
            vpc=network.vpc, subnets=network.subnets, security_groups=[self.functions_group]
        )
        mount = lambda_.FileSystem.from_efs_access_point(self.access_point, MOUNT_PATH)
        code = lambda_src_code()
        self.functions: dict[str, LabFunction] = {
            role.construct_id: shared_files_function(self, role, code=code, network=place, mount=mount)
            for role in FUNCTIONS
        }
        hands_on_outputs(self, functions=self.functions, shared=self.shared)
