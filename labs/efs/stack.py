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
from labs.efs.spec import FUNCTIONS, LAB_ID, MOUNT_PATH, READER, WRITER
from labs.settings import LabSettings

RESPONSE_FILE = "/tmp/labefs-{label}.json"  # noqa: S108 - where the learner's CLI writes the answer


def invoke_command(function_name: str, label: str) -> str:
    """`aws lambda invoke` with no payload, then the function's answer pretty-printed."""
    response = RESPONSE_FILE.format(label=label)
    return (
        f"aws lambda invoke --function-name {function_name} {response} --query StatusCode --output text "
        f">/dev/null && python3 -m json.tool {response}"
    )


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
        self._build_outputs()

    def _build_outputs(self) -> None:
        writer = self.functions[WRITER.construct_id].function.function_name
        reader = self.functions[READER.construct_id].function.function_name
        file_system = self.shared.file_system.file_system_id
        self.output("FileSystemId", file_system, "The shared file system (encrypted, deleted with the stack)")
        self.output(
            "WriteCommand",
            invoke_command(writer, WRITER.label),
            f"Invoke the writer: it stages the reference table onto {MOUNT_PATH} (once) and into its /tmp",
        )
        self.output(
            "ReadCommand",
            invoke_command(reader, READER.label),
            "Invoke the reader: it finds what the writer staged; tmp.hadCopy says what its own /tmp held",
        )
        self.output(
            "ForceColdStartCommand",
            f"aws lambda update-function-configuration --function-name {reader} "
            '--description "cold start forced $(date +%s)" --query LastUpdateStatus --output text',
            "A configuration change: the reader's next invocation gets a new environment, an empty /tmp",
        )
        self.output(
            "MountTargetsCommand",
            f"aws efs describe-mount-targets --file-system-id {file_system} "
            "--query 'MountTargets[].[AvailabilityZoneName,SubnetId,LifeCycleState]' --output text",
            "One mount target in each zone the functions run in",
        )
        self.output(
            "AccessPointCommand",
            f"aws efs describe-access-points --access-point-id {self.access_point.access_point_id} "
            "--query 'AccessPoints[0].[PosixUser,RootDirectory]'",
            "The POSIX user the functions act as, and the root directory created for it",
        )
        self.output(
            "MountCommand",
            f"aws lambda get-function-configuration --function-name {reader} "
            "--query '[FileSystemConfigs,VpcConfig.SubnetIds]'",
            f"The reader mounts the access point at {MOUNT_PATH}, in the lab's subnets",
        )
