"""What "LabEfs works" means, the same way on AWS and the emulator.

The file system is encrypted, available and deleted with the stack; it has an available mount target in
every zone of the functions' subnets, behind security groups that let NFS in from the functions only; the
access point has a POSIX user and a root directory created for it; both functions mount that access point at
the lab's path; and a token the writer writes is what the reader reads back, through the file system.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labs.catalogue.efs import ACCESS_POINT
from labs.checks.gone import report_gone
from labs.checks.report import CheckReport
from labs.checks.stack_items import begin_report
from labs.checks.steps import step_hint
from labs.checks.waiting import Waiter
from labs.deployed.stack import DeployedStack, template_of
from labs.efs.deployed import (
    FILE_SYSTEM_TYPE,
    DeployedFileSystem,
    MountingFunction,
    invoke,
    lab_functions,
    nfs_sources,
    shared_file_system,
    subnet_zones,
)
from labs.efs.spec import (
    ACCESS_POINT_PATH,
    LAB_ID,
    MOUNT_PATH,
    POSIX_GID,
    POSIX_UID,
    READER,
    ROOT_PERMISSIONS,
    STEPS,
    TOKEN_FIELD,
    WRITER,
)

if TYPE_CHECKING:
    import boto3

SOLUTION = "labs/efs/stack.py"
TMP = "/tmp"  # noqa: S108 - the functions' own /tmp, named in the report
ACCESS_POINT_CODE = (
    f'file_system.add_access_point("AccessPoint", path="{ACCESS_POINT_PATH}", create_acl=efs.Acl('
    f'owner_uid="{POSIX_UID}", owner_gid="{POSIX_GID}", permissions="{ROOT_PERMISSIONS}"), '
    f'posix_user=efs.PosixUser(uid="{POSIX_UID}", gid="{POSIX_GID}"))'
)
MOUNT_CODE = (
    f'filesystem=lambda_.FileSystem.from_efs_access_point(access_point, "{MOUNT_PATH}") on each function'
)
# what Lambda or a function answers when the mount is wrong, and the step that fixes it
MOUNT_ERRORS = {
    "EFSMountConnectivityException": (1, "let NFS (TCP 2049) in from the functions' security group"),
    "EFSMountTimeoutException": (1, "let NFS (TCP 2049) in from the functions' security group"),
    "EFSMountFailureException": (2, "give the access point a root directory with CreationInfo (create_acl)"),
    "PermissionError": (2, "give the access point a POSIX user that owns its root directory"),
}


def hint(number: int, todo: str) -> str:
    """The hint that points to the lab's hands-on step of that number."""
    return step_hint(STEPS, number, todo)


def check(
    session: boto3.Session,
    *,
    stack_name: str,
    on_emulator: bool,
    waiter: Waiter | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Check LabEfs: its file system, mount targets, access point, mounts, and a file shared through them."""
    report, stack = begin_report(LAB_ID, session, stack_name, on_emulator=on_emulator, now=now)
    if stack is None:
        return report
    shared = check_file_system(report, session, stack)
    functions, missing, gone = lab_functions(session.client("lambda"), stack)
    if gone:
        report_gone(report, "Functions", gone[0])
        return report
    if missing:
        report.add("Functions", False, f"no {' and no '.join(missing)} function", hint="redeploy the lab")
        return report
    if shared is None:
        return report
    check_mount_targets(report, session.client("ec2"), shared, functions)
    listed = stack.physical_id(ACCESS_POINT.cfn_type)
    if listed and listed not in {point.get("AccessPointId") for point in shared.access_points}:
        # the functions still name it: a mount line would contradict this one, and a rebuild fixes both
        report_gone(report, "Access point", listed)
        return report
    access_point = check_access_point(report, shared, listed)
    mounted = check_mounts(report, functions, access_point)
    check_sharing(report, session.client("lambda"), functions, mounted=mounted, token=token)
    if on_emulator:
        report.notes.append(
            "On the emulator the file system is a folder of this machine that each function sees at its "
            "mount path: NFS, throughput and IAM authorization on mount are not emulated."
        )
    return report


def check_file_system(
    report: CheckReport, session: boto3.Session, stack: DeployedStack
) -> DeployedFileSystem | None:
    """The file system is encrypted, available and deleted with its stack; the file system, or None."""
    file_system_id = stack.physical_id(FILE_SYSTEM_TYPE)
    if not file_system_id:
        report.add(
            "File system",
            False,
            "the stack has no EFS file system",
            hint=hint(1, f"build it as {SOLUTION} does"),
        )
        return None
    shared = shared_file_system(session.client("efs"), file_system_id)
    if shared is None:
        report_gone(report, "File system", file_system_id)
        return None
    described = shared.description
    state, encrypted = described.get("LifeCycleState"), bool(described.get("Encrypted"))
    report.add(
        "File system",
        state == "available" and encrypted,
        f"{file_system_id} is {state}, {'encrypted' if encrypted else 'NOT encrypted'}, "
        f"{described.get('ThroughputMode', '?')} throughput, "
        f"{described.get('SizeInBytes', {}).get('Value', 0)} bytes stored",
        hint=hint(1, "efs.FileSystem(..., encrypted=True): encryption is chosen at creation, so redeploy"),
    )
    resources = template_of(session, stack.name).get("Resources", {})
    policies = [
        r.get("DeletionPolicy", "Delete") for r in resources.values() if r.get("Type") == FILE_SYSTEM_TYPE
    ]
    deleted = bool(policies) and all(policy == "Delete" for policy in policies)
    report.add(
        "Deleted with the stack",
        deleted,
        f"the file system's DeletionPolicy is {', '.join(policies) or 'unknown'}",
        hint=hint(
            1,
            "removal_policy=RemovalPolicy.DESTROY: CDK's default, RETAIN, leaves it (and its bill) "
            "behind after cdk destroy",
        ),
    )
    return shared


def check_mount_targets(
    report: CheckReport, ec2: Any, shared: DeployedFileSystem, functions: list[MountingFunction]
) -> None:
    """An available mount target in every zone the functions run in, open to NFS from their groups only."""
    subnets = sorted({subnet for function in functions for subnet in function.subnet_ids})
    zones = subnet_zones(ec2, subnets)
    covered = {
        t["AvailabilityZoneName"] for t in shared.mount_targets if t.get("LifeCycleState") == "available"
    }
    uncovered = sorted(set(zones.values()) - covered)
    report.add(
        "Mount targets",
        bool(subnets) and not uncovered,
        f"{len(shared.mount_targets)} mount target(s) in {', '.join(sorted(covered)) or 'no zone'}; the "
        f"functions run in {', '.join(sorted(set(zones.values()))) or 'no VPC subnet'}"
        + (f"; none in {', '.join(uncovered)}" if uncovered else ""),
        hint=hint(
            1,
            "create the file system in the functions' own subnets (vpc_subnets): one mount target "
            "per zone, else creating a function fails",
        ),
    )
    clients = sorted({group for function in functions for group in function.security_group_ids})
    target_groups = sorted({g for groups in shared.target_groups.values() for g in groups})
    sources = nfs_sources(ec2, target_groups)
    others = [source for source in sources if source not in clients]
    from_functions = bool(set(sources) & set(clients))
    report.add(
        "NFS from the functions only",
        from_functions and not others,
        f"the mount targets' groups ({', '.join(target_groups) or 'none'}) let NFS in from "
        f"{', '.join(sources) or 'nobody'}; the functions' group: {', '.join(clients) or 'none'}",
        hint=hint(
            1,
            "file_system.connections.allow_default_port_from(<the functions' security group>), "
            "and no wider rule",
        )
        if not others
        else hint(1, f"remove the rule(s) letting NFS in from {', '.join(others)}"),
    )


def check_access_point(
    report: CheckReport, shared: DeployedFileSystem, listed: str | None = None
) -> dict[str, Any] | None:
    """The file system's access point (the one the stack lists, if any), with a POSIX user and a root
    directory created for it."""
    if not shared.access_points:
        report.add(
            "Access point",
            False,
            f"{shared.file_system_id} has no access point",
            hint=hint(2, ACCESS_POINT_CODE),
        )
        return None
    point = next(
        (p for p in shared.access_points if p.get("AccessPointId") == listed), shared.access_points[0]
    )
    user, root = point.get("PosixUser") or {}, point.get("RootDirectory") or {}
    creation = root.get("CreationInfo") or {}
    problems = []
    if not user:
        problems.append("no POSIX user (the functions' writes would be denied)")
    if not creation and root.get("Path", "/") != "/":
        problems.append(f"no CreationInfo for {root.get('Path')} (a new root directory cannot be mounted)")
    described = (
        f"{point['AccessPointId']}: POSIX user {user.get('Uid', '-')}:{user.get('Gid', '-')}, root directory "
        f"{root.get('Path', '/')}"
        + (
            f" created as {creation.get('OwnerUid')}:{creation.get('OwnerGid')} {creation.get('Permissions')}"
            if creation
            else ""
        )
    )
    report.add(
        "Access point",
        not problems,
        described if not problems else f"{described}: {'; '.join(problems)}",
        hint=hint(2, ACCESS_POINT_CODE),
    )
    return point


def check_mounts(
    report: CheckReport, functions: list[MountingFunction], access_point: dict[str, Any] | None
) -> bool:
    """Both functions mount the access point at the lab's path; True when they do."""
    arn = (access_point or {}).get("AccessPointArn")
    wrong = []
    for function in functions:
        paths = [m.get("LocalMountPath") for m in function.mounts if m.get("Arn") == arn]
        if MOUNT_PATH not in paths:
            seen = ", ".join(
                f"{m.get('Arn', '?').rsplit('/', 1)[-1]} at {m.get('LocalMountPath')}"
                for m in function.mounts
            )
            wrong.append(f"the {function.role.label} mounts {seen or 'no file system'}")
    report.add(
        "Functions mount it",
        arn is not None and not wrong,
        f"the writer and the reader mount {str(arn).rsplit('/', 1)[-1]} at {MOUNT_PATH}"
        if not wrong
        else "; ".join(wrong),
        hint=hint(3, MOUNT_CODE),
    )
    return arn is not None and not wrong


def check_sharing(
    report: CheckReport,
    lambda_client: Any,
    functions: list[MountingFunction],
    *,
    mounted: bool,
    token: str | None,
) -> None:
    """A token the writer writes is the one the reader reads back; the reader's /tmp said apart."""
    name = "Shared through EFS"
    if not mounted:
        report.add(
            name, False, "not tried: the functions do not mount the access point", hint=hint(3, MOUNT_CODE)
        )
        return
    by_role = {function.role.construct_id: function for function in functions}
    token = token or f"labkit-check-{uuid.uuid4().hex[:8]}"
    wrote = invoke(lambda_client, by_role[WRITER.construct_id].name, {TOKEN_FIELD: token})
    read = (
        invoke(lambda_client, by_role[READER.construct_id].name, {TOKEN_FIELD: token})
        if not wrote.error
        else wrote
    )
    failed = wrote if wrote.error else read
    if failed.error:
        step, todo = MOUNT_ERRORS.get(failed.error_code, (4, "read the function's log group for the error"))
        who = WRITER.label if wrote.error else READER.label
        report.add(name, False, f"the {who} failed: {failed.error}", hint=hint(step, todo))
        return
    got = ((read.payload or {}).get("token") or {}).get("token")
    report.add(
        name,
        got == token,
        f"token {token}: written by the writer, read back by the reader at {MOUNT_PATH}"
        if got == token
        else f"the writer wrote token {token}; the reader found {got or 'nothing'}",
        hint=hint(4, "both functions must mount the same access point"),
    )
    tmp = (read.payload or {}).get("tmp") or {}
    held = "had its copy of the table (a warm environment)" if tmp.get("hadCopy") else "was empty (a new one)"
    report.notes.append(
        f"{TMP} is each execution environment's own: the reader's {held}; the file system keeps what the "
        "writer staged for every environment of both functions."
    )
