"""What "LabSpot works" means: the group runs on Spot over three arm64 types with capacity rebalancing, its
instances are Spot and hold the desired capacity, the two Spot events reach the log group, and with
--interrupt, after an interruption the warning arrived and a replacement is in service."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from labs.checks.auto_scaling import (
    PENDING_STATES,
    describe_group,
    describe_members,
    in_service,
    wait_for_capacity,
)
from labs.checks.report import CheckReport
from labs.checks.stack_items import begin_report
from labs.checks.waiting import Waiter
from labs.deployed.session import unless_gone
from labs.spot.events_items import check_event_rule, check_interruption
from labs.spot.hints import SOLUTION, hint
from labs.spot.spec import (
    INSTANCE_TYPES,
    LAB_ID,
    ON_DEMAND_BASE_CAPACITY,
    ON_DEMAND_PERCENTAGE_ABOVE_BASE,
    SPOT_ALLOCATION_STRATEGY,
)

if TYPE_CHECKING:
    import boto3


def check(
    session: boto3.Session,
    *,
    stack_name: str,
    on_emulator: bool,
    interrupt: bool = False,
    waiter: Waiter | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Check LabSpot: its mixed-instances policy, Spot instances and price."""
    report, stack = begin_report(LAB_ID, session, stack_name, on_emulator=on_emulator, now=now)
    if stack is None:
        return report
    waiter = waiter or Waiter.for_run(on_emulator=on_emulator)
    autoscaling = session.client("autoscaling")
    name = stack.physical_id("AWS::AutoScaling::AutoScalingGroup")
    group = describe_group(autoscaling, name) if name else None
    if group is None:
        report.add(
            "Spot policy",
            False,
            "the stack has no Auto Scaling group" if name is None else f"the group {name} no longer exists",
            hint=hint(
                2, f"add an autoscaling.AutoScalingGroup with a mixed_instances_policy; see {SOLUTION}"
            ),
        )
        return report
    check_launch_template(report, session.client("ec2"), group)
    check_policy(report, group)
    if any(i.get("LifecycleState") in PENDING_STATES for i in group.get("Instances", [])):
        group = wait_for_capacity(autoscaling, group, waiter, what="waiting for launching instances") or group
    check_spot_instances(report, session, group)
    log_group = check_event_rule(report, session, stack)
    if interrupt:
        check_interruption(
            report, session, stack, group, log_group=log_group, waiter=waiter, on_emulator=on_emulator
        )
    return report


def policy_problems(group: dict[str, Any]) -> list[str]:
    """What the group's mixed-instances policy gets wrong, if anything."""
    policy = group.get("MixedInstancesPolicy") or {}
    distribution = policy.get("InstancesDistribution") or {}
    types = [o.get("InstanceType") for o in (policy.get("LaunchTemplate") or {}).get("Overrides", [])]
    problems = []
    if len(types) < len(INSTANCE_TYPES):
        problems.append(
            f"{len(types)} instance types ({', '.join(map(str, types)) or 'none'}), not 3 or more"
        )
    if int(distribution.get("OnDemandBaseCapacity", 0)) != ON_DEMAND_BASE_CAPACITY:
        problems.append(f"on-demand base {distribution.get('OnDemandBaseCapacity')}, not 0")
    if int(distribution.get("OnDemandPercentageAboveBaseCapacity", 100)) != ON_DEMAND_PERCENTAGE_ABOVE_BASE:
        problems.append(
            f"{distribution.get('OnDemandPercentageAboveBaseCapacity', 100)}% on-demand above base"
        )
    if distribution.get("SpotAllocationStrategy") != SPOT_ALLOCATION_STRATEGY:
        problems.append(f"Spot strategy {distribution.get('SpotAllocationStrategy')}")
    if not group.get("CapacityRebalance"):
        problems.append("capacity rebalancing is off")
    return problems


def check_policy(report: CheckReport, group: dict[str, Any]) -> None:
    """Step 2: Spot over several types, price-capacity-optimized, capacity rebalancing on."""
    problems = policy_problems(group)
    policy = (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}
    types = ", ".join(str(o.get("InstanceType")) for o in policy.get("Overrides", []))
    report.add(
        "Spot policy",
        not problems,
        "; ".join(problems)
        if problems
        else f"all Spot over {types}, {SPOT_ALLOCATION_STRATEGY}, rebalancing on",
        hint=hint(
            2,
            "mixed_instances_policy=MixedInstancesPolicy(launch_template_overrides=[one per type], "
            "instances_distribution=InstancesDistribution(on_demand_base_capacity=0, "
            "on_demand_percentage_above_base_capacity=0, spot_allocation_strategy=PRICE_CAPACITY_OPTIMIZED)) "
            "and capacity_rebalance=True on the group",
        ),
    )


def check_launch_template(report: CheckReport, ec2: Any, group: dict[str, Any]) -> None:
    """Step 1: the policy's launch template requires IMDSv2 and runs T4g in standard credit mode."""
    spec = (
        ((group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}).get(
            "LaunchTemplateSpecification"
        )
        or group.get("LaunchTemplate")
        or {}
    )
    template_id = spec.get("LaunchTemplateId")
    version = str(spec.get("Version") or "$Default")
    answer = (
        unless_gone(ec2.describe_launch_template_versions, LaunchTemplateId=template_id, Versions=[version])
        if template_id
        else None
    )
    versions = (answer or {}).get("LaunchTemplateVersions", [])
    data = versions[0].get("LaunchTemplateData", {}) if versions else {}
    problems = []
    if not versions:
        problems.append("the group has no launch template")
    if versions and data.get("MetadataOptions", {}).get("HttpTokens") != "required":
        problems.append("IMDSv2 is not required")
    if versions and data.get("CreditSpecification", {}).get("CpuCredits") != "standard":
        problems.append("CPU credits are not standard (T4g Spot in unlimited mode bills surplus credits)")
    report.add(
        "Launch template",
        not problems,
        "; ".join(problems) if problems else f"{template_id}: IMDSv2 required, standard CPU credits",
        hint=hint(1, "ec2.LaunchTemplate(..., require_imdsv2=True, cpu_credits=ec2.CpuCredits.STANDARD)"),
    )


def spot_price(ec2: Any, instance_type: str, zone: str) -> str:
    """The latest Spot price of the instance type in the zone, in words."""
    history = ec2.describe_spot_price_history(
        InstanceTypes=[instance_type], AvailabilityZone=zone, ProductDescriptions=["Linux/UNIX"], MaxResults=1
    ).get("SpotPriceHistory", [])
    return f"${float(history[0]['SpotPrice']):.4f}/h" if history else "no Spot price"


def check_spot_instances(report: CheckReport, session: boto3.Session, group: dict[str, Any]) -> None:
    """The group holds its desired capacity, and every instance in service runs on Spot."""
    ec2 = session.client("ec2")
    healthy = in_service(group)
    desired = group["DesiredCapacity"]
    report.add(
        "Desired capacity",
        len(healthy) >= desired > 0,
        f"{len(healthy)} of {desired} desired in service: {describe_members(group)}",
        hint=hint(
            2,
            "Spot capacity may be short in every pool: the group's scaling activities say why (aws "
            "autoscaling describe-scaling-activities --auto-scaling-group-name "
            f"{group['AutoScalingGroupName']})",
        ),
    )
    ids = [i["InstanceId"] for i in healthy]
    reservations = (
        (unless_gone(ec2.describe_instances, InstanceIds=ids) or {}).get("Reservations", []) if ids else []
    )
    described = [i for r in reservations for i in r["Instances"]]
    lines = [
        f"{i['InstanceId']} {i['InstanceType']} in {i['Placement']['AvailabilityZone']}: "
        f"{i.get('InstanceLifecycle', 'on-demand')}"
        + (
            f" at {spot_price(ec2, i['InstanceType'], i['Placement']['AvailabilityZone'])}"
            if i.get("InstanceLifecycle") == "spot"
            else ""
        )
        for i in described
    ]
    on_demand = [i["InstanceId"] for i in described if i.get("InstanceLifecycle") != "spot"]
    report.add(
        "Instances are Spot",
        bool(described) and not on_demand,
        "; ".join(lines) or "no instance in service",
        hint=hint(2, "set on_demand_percentage_above_base_capacity=0 and on_demand_base_capacity=0"),
    )
