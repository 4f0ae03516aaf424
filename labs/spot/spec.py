"""LabSpot's facts, shared by its stack, its check and its cost, CDK-free.

AWS's own Spot facts (the two events EC2 sends, its two-minute warning, the FIS action) are written once,
with the emulator that emulates them, and imported from local_aws.client.
"""

from __future__ import annotations

from labs.catalogue.fis import ACTION_MINUTE, action_minutes
from labs.checks.options import CheckOption
from labs.cost.prices import load_prices

LAB_ID = "LabSpot"
# one instance: Spot is priced here at the dearest of the three types' pools (price-capacity-optimized may
# pick any), and one t4g.small Spot instance still costs less than LabAsg's two on-demand nanos
MIN_CAPACITY, DESIRED_CAPACITY, MAX_CAPACITY = 1, 1, 2
# the three cheapest arm64 types: 3 types x 2 zones = 6 Spot pools to find capacity in, and the dearest
# pool still costs less than one on-demand t4g.nano (a c7g.medium would widen the choice at ~4x the price)
INSTANCE_TYPES = ("t4g.nano", "t4g.micro", "t4g.small")
ON_DEMAND_BASE_CAPACITY = 0
ON_DEMAND_PERCENTAGE_ABOVE_BASE = 0
SPOT_ALLOCATION_STRATEGY = "price-capacity-optimized"
# T4g Spot launches as "unlimited" by default and then bills surplus credits (AWS's Spot pricing page)
CPU_CREDITS = "standard"

# the function that keeps the group's own Spot events (lambda_src/spot_events): EventBridge cannot match them
FILTER_HANDLER = "spot_events.handler.handler"

# the lab's FIS experiment: the action (local_aws.client.FIS_ACTION) with AWS's two minutes' notice
FIS_DURATION_BEFORE_INTERRUPTION = "PT2M"
# from the price table (aws.amazon.com/fis/pricing); the interruption action lasts its two-minute warning
FIS_USD_PER_ACTION_MINUTE = load_prices().usd_per_use[ACTION_MINUTE]
FIS_USD_PER_RUN = FIS_USD_PER_ACTION_MINUTE * action_minutes(
    {"Parameters": {"durationBeforeInterruption": FIS_DURATION_BEFORE_INTERRUPTION}}
)
FIS_TARGET = "SpotInstances"

# the hands-on's steps in the course's order: the starter's TODOs and the check's hints name them
STEPS = (
    "write a launch template: Amazon Linux 2023 arm64, IMDSv2 required, encrypted gp3 root, "
    "standard CPU credits",
    f"build the Auto Scaling group on Spot: a mixed-instances policy over {', '.join(INSTANCE_TYPES)}, "
    f"on-demand base {ON_DEMAND_BASE_CAPACITY} and {ON_DEMAND_PERCENTAGE_ABOVE_BASE}% above it, "
    f"{SPOT_ALLOCATION_STRATEGY}, capacity rebalancing on, min {MIN_CAPACITY} / desired "
    f"{DESIRED_CAPACITY} / max {MAX_CAPACITY}",
    "send the two Spot events (interruption warning, rebalance recommendation) to a log group with an "
    "EventBridge rule",
    "add an AWS FIS experiment template that interrupts one Spot instance of the group, start it and watch "
    "the warning arrive, the instance go and the group replace it",
)

# `labkit check LabSpot --interrupt`; the registry reads it without importing the check
INTERRUPT_TIMEOUT_S = 600.0
CHECK_OPTIONS = (
    CheckOption(
        flag="--interrupt",
        help="start the stack's FIS experiment, which interrupts one Spot instance of the group (the "
        f"emulator rehearses it; on AWS ~${FIS_USD_PER_RUN:.2f}), and wait for that instance's warning and "
        "the replacement; a stack without one: not attempted",
        timeout_s=INTERRUPT_TIMEOUT_S,
    ),
)
