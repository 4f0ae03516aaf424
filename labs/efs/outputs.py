"""LabEfs's hands-on as stack outputs: the commands the README runs, the same in the kit's stack and in
the learner's `MyLabEfs` (its starter's step 4 reads them)."""

from __future__ import annotations

from collections.abc import Mapping

from labs.constructs.functions import LabFunction
from labs.constructs.lab_stack import LabStack
from labs.efs.constructs import SharedFileSystem
from labs.efs.spec import MOUNT_PATH, READER, WRITER

RESPONSE_FILE = "/tmp/labefs-{label}.json"  # noqa: S108 - where the learner's CLI writes the answer


def invoke_command(function_name: str, label: str) -> str:
    """`aws lambda invoke` with no payload, then the function's answer pretty-printed."""
    response = RESPONSE_FILE.format(label=label)
    return (
        f"aws lambda invoke --function-name {function_name} {response} --query StatusCode --output text "
        f">/dev/null && python3 -m json.tool {response}"
    )


def hands_on_outputs(
    stack: LabStack, *, functions: Mapping[str, LabFunction], shared: SharedFileSystem
) -> None:
    """The hands-on's commands as outputs of `stack`."""
    writer = functions[WRITER.construct_id].function.function_name
    reader = functions[READER.construct_id].function.function_name
    file_system = shared.file_system.file_system_id
    stack.output("FileSystemId", file_system, "The shared file system (encrypted, deleted with the stack)")
    stack.output(
        "WriteCommand",
        invoke_command(writer, WRITER.label),
        f"Invoke the writer: it stages the reference table onto {MOUNT_PATH} (once) and into its /tmp",
    )
    stack.output(
        "ReadCommand",
        invoke_command(reader, READER.label),
        "Invoke the reader: it finds what the writer staged; tmp.hadCopy says what its own /tmp held",
    )
    stack.output(
        "ForceColdStartCommand",
        f"aws lambda update-function-configuration --function-name {reader} "
        '--description "cold start forced $(date +%s)" --query LastUpdateStatus --output text',
        "A configuration change: the reader's next invocation gets a new environment, an empty /tmp",
    )
    stack.output(
        "MountTargetsCommand",
        f"aws efs describe-mount-targets --file-system-id {file_system} "
        "--query 'MountTargets[].[AvailabilityZoneName,SubnetId,LifeCycleState]' --output text",
        "One mount target in each zone the functions run in",
    )
    stack.output(
        "AccessPointCommand",
        f"aws efs describe-access-points --file-system-id {file_system} "
        "--query 'AccessPoints[0].[PosixUser,RootDirectory]'",
        "The POSIX user the functions act as, and the root directory created for it",
    )
    stack.output(
        "MountCommand",
        f"aws lambda get-function-configuration --function-name {reader} "
        "--query '[FileSystemConfigs,VpcConfig.SubnetIds]'",
        f"The reader mounts the access point at {MOUNT_PATH}, in the lab's subnets",
    )
