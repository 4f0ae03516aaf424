"""What "LabAsg works" means: the group holds 2 instances (min 1, max 4) in service across two AZs,
and with --self-heal, it replaces an instance the check terminates."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from labs.asg.spec import (
    DESIRED_CAPACITY,
    INSTANCE_TYPE,
    LAB_ID,
    MAX_CAPACITY,
    MIN_CAPACITY,
    STEPS,
)
from labs.checks.auto_scaling import (
    PENDING_STATES,
    describe_group,
    describe_members,
    in_service,
    wait_for_capacity,
)
from labs.checks.report import CheckReport
from labs.checks.stack_items import begin_report
from labs.checks.steps import step_hint
from labs.checks.waiting import Waiter
from labs.deployed.session import unless_gone
from labs.deployed.stack import DeployedStack

if TYPE_CHECKING:
    import boto3

# where a learner compares their own stack (labkit exercise LabAsg) with the kit's
SOLUTION = "labs/asg/stack.py"
SIZES = f"min {MIN_CAPACITY}, desired {DESIRED_CAPACITY}, max {MAX_CAPACITY}"


def check(
    session: boto3.Session,
    *,
    stack_name: str,
    on_emulator: bool,
    self_heal: bool = False,
    waiter: Waiter | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Check LabAsg: its launch template, size, healthy instances, zones and self-healing."""
    report, stack = begin_report(LAB_ID, session, stack_name, on_emulator=on_emulator, now=now)
    if stack is None:
        return report
    waiter = waiter or Waiter.for_run(on_emulator=on_emulator)
    name = stack.physical_id("AWS::AutoScaling::AutoScalingGroup")
    autoscaling = session.client("autoscaling")
    group = describe_group(autoscaling, name) if name else None
    check_launch_template(report, session.client("ec2"), stack, group)
    if name is None or group is None:
        report.add(
            "Group size",
            False,
            "the stack has no Auto Scaling group" if name is None else f"the group {name} no longer exists",
            hint=hint(
                2,
                f"add an autoscaling.AutoScalingGroup with launch_template=<your template> and {SIZES}, in "
                f"a VPC with subnets in two Availability Zones; the kit's solution is {SOLUTION}",
            ),
        )
        return report
    check_size(report, group)
    if any(i.get("LifecycleState") in PENDING_STATES for i in group.get("Instances", [])):
        group = wait_for_capacity(autoscaling, group, waiter, what="waiting for launching instances") or group
    check_in_service(report, group)
    check_zones(report, session.client("ec2"), group, on_emulator=on_emulator)
    if self_heal:
        check_self_heal(report, session, group, waiter, on_emulator=on_emulator)
    return report


def hint(number: int, todo: str) -> str:
    """The hint that points to the lab's hands-on step of that number."""
    return step_hint(STEPS, number, todo)


def template_problems(data: dict[str, Any]) -> list[str]:
    """What the launch template's data gets wrong, if anything."""
    problems = []
    if data.get("InstanceType") != INSTANCE_TYPE:
        problems.append(f"instance type {data.get('InstanceType', 'unset')}, not {INSTANCE_TYPE}")
    if data.get("MetadataOptions", {}).get("HttpTokens") != "required":
        problems.append("IMDSv2 is not required (HttpTokens must be required)")
    return problems


def check_launch_template(
    report: CheckReport, ec2: Any, stack: DeployedStack, group: dict[str, Any] | None
) -> None:
    """Step 1: the group launches from a launch template of the lab's size that requires IMDSv2."""
    used = (group or {}).get("LaunchTemplate") or {}
    template_id = used.get("LaunchTemplateId") or stack.physical_id("AWS::EC2::LaunchTemplate")
    add = hint(
        1,
        f"add an ec2.LaunchTemplate(instance_type={INSTANCE_TYPE}, machine_image=Amazon Linux 2023 "
        "arm64, require_imdsv2=True) and launch the group from it",
    )
    if not template_id:
        report.add("Launch template", False, "the group has no launch template", hint=add)
        return
    version = str(used.get("Version") or "$Default")
    answer = unless_gone(
        ec2.describe_launch_template_versions, LaunchTemplateId=template_id, Versions=[version]
    )
    versions = (answer or {}).get("LaunchTemplateVersions", [])
    if not versions:
        report.add("Launch template", False, f"{template_id} (version {version}) no longer exists", hint=add)
        return
    data = versions[0].get("LaunchTemplateData", {})
    problems = template_problems(data)
    report.add(
        "Launch template",
        not problems,
        f"{template_id} version {versions[0].get('VersionNumber', version)}: "
        + ("; ".join(problems) if problems else f"{INSTANCE_TYPE}, IMDSv2 required"),
        hint=hint(1, f"set instance_type={INSTANCE_TYPE} and require_imdsv2=True on the launch template"),
    )


def check_size(report: CheckReport, group: dict[str, Any]) -> None:
    """Check the group's minimum, desired and maximum capacity."""
    sizes = (group["MinSize"], group["DesiredCapacity"], group["MaxSize"])
    expected = (MIN_CAPACITY, DESIRED_CAPACITY, MAX_CAPACITY)
    report.add(
        "Group size",
        sizes == expected,
        f"desired {sizes[1]} within min {sizes[0]} / max {sizes[2]}"
        + (
            ""
            if sizes == expected
            else f" (the lab sets desired {DESIRED_CAPACITY}, min {MIN_CAPACITY}, max {MAX_CAPACITY})"
        ),
        hint=hint(
            2,
            f"set {SIZES} on the group and redeploy, or by hand: aws autoscaling update-auto-scaling-group "
            f"--auto-scaling-group-name {group['AutoScalingGroupName']} --min-size {MIN_CAPACITY} "
            f"--desired-capacity {DESIRED_CAPACITY} --max-size {MAX_CAPACITY}",
        ),
    )


def check_in_service(report: CheckReport, group: dict[str, Any]) -> None:
    """Check that as many instances are in service as the group desires."""
    healthy = in_service(group)
    desired = group["DesiredCapacity"]
    report.add(
        "Instances in service",
        len(healthy) >= desired > 0,
        f"{len(healthy)} of {desired} desired in service: {describe_members(group)}",
        hint=hint(
            2,
            "a replacement may be launching: rerun in a minute; the group's scaling activities say why "
            "(aws autoscaling describe-scaling-activities --auto-scaling-group-name "
            f"{group['AutoScalingGroupName']})",
        ),
    )


def check_zones(report: CheckReport, ec2: Any, group: dict[str, Any], *, on_emulator: bool) -> None:
    """Check that the group spreads over the zones the lab needs."""
    subnet_ids = [s for s in group.get("VPCZoneIdentifier", "").split(",") if s]
    subnets = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"] if subnet_ids else []
    configured = sorted({s["AvailabilityZone"] for s in subnets})
    report.add(
        "Group spans two AZs",
        len(configured) >= 2,
        f"its subnets are in {', '.join(configured) or 'no AZ'}",
        hint=hint(
            2,
            "give the group a VPC with a subnet in each of two AZs (ec2.Vpc max_azs=2, no NAT) and "
            "vpc_subnets selecting them",
        ),
    )
    used = sorted({i.get("AvailabilityZone", "?") for i in in_service(group)})
    detail = f"instances in service are in {', '.join(used) or 'no AZ'}"
    report.judge(
        "Instances in two AZs",
        len(used) >= 2,
        detail,
        hint=hint(
            2,
            "Auto Scaling rebalances across AZs after launches, or once the other AZ has capacity "
            "again: rerun in a few minutes",
        ),
        emulator_cannot="moto launches every group instance into the group's first subnet"
        if on_emulator
        else None,
    )


def check_self_heal(
    report: CheckReport, session: boto3.Session, group: dict[str, Any], waiter: Waiter, *, on_emulator: bool
) -> None:
    """Check that the group replaces an instance that is terminated."""
    name = "Self-heal"
    healthy = in_service(group)
    desired = group["DesiredCapacity"]
    if len(healthy) < desired or desired < 1:
        report.add(
            name,
            False,
            f"not attempted: only {len(healthy)} of {desired} instances are in service",
            hint=hint(3, "let the group reach its desired capacity first, then rerun with --self-heal"),
        )
        return
    before = {i["InstanceId"] for i in healthy}
    victim = min(before)
    session.client("ec2").terminate_instances(InstanceIds=[victim])
    autoscaling = session.client("autoscaling")
    waited = waiter.until(
        lambda: _replaced(autoscaling, group["AutoScalingGroupName"], desired, victim, before),
        what=f"terminated {victim}; waiting for the group to replace it",
    )
    if waited.value is not None:
        report.add(name, True, f"terminated {victim}; {waited.value} after {waited.elapsed_s:.0f} s")
        if on_emulator:
            report.notes.append(
                "Self-heal on the emulator: moto launched the replacement inside the TerminateInstances call "
                "(it has no health checks or delay); the check terminated a real emulator instance and only "
                "read the group afterwards."
            )
        return
    report.judge(
        name,
        False,
        f"terminated {victim}; after {waited.elapsed_s:.0f} s: {waited.status}",
        hint=hint(
            3,
            "replacements take a few minutes (health check, launch, boot): rerun the check later, or "
            "wait longer with --timeout 600",
        ),
        emulator_cannot="the emulator did not replace it" if on_emulator else None,
    )


def _replaced(
    autoscaling: Any, name: str, desired: int, victim: str, before: set[str]
) -> tuple[str | None, str]:
    """A description of the replacement once the group is back to `desired` without the victim."""
    current = describe_group(autoscaling, name)
    if current is None:
        return None, "the group is gone"
    healthy = [i for i in in_service(current) if i["InstanceId"] != victim]
    status = f"{len(healthy)}/{desired} in service: {describe_members(current)}"
    if len(healthy) < desired:
        return None, status
    fresh = [
        f"{i['InstanceId']} ({i.get('AvailabilityZone', '?')})"
        for i in healthy
        if i["InstanceId"] not in before
    ]
    return f"back to {len(healthy)} in service with {', '.join(fresh) or 'no new instance'}", status
