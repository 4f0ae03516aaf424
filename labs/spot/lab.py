"""LabSpot, as the tooling sees it: an Auto Scaling group on Spot that survives an interruption."""

from __future__ import annotations

from pathlib import Path

from labs.constructs.instance_facts import ROOT_VOLUME_GIB
from labs.cost.cheapest import gp3_usd_per_gib_hour, spot_usd_per_hour_at_most
from labs.descriptor import CheapestSetup, Lab, StarterSpec, ZoneNeeds
from labs.spot import spec

STARTER_TEMPLATE = Path(__file__).resolve().parent / "starter.py.tmpl"

LAB = Lab(
    package=__package__ or "labs.spot",
    lab_id=spec.LAB_ID,
    title=f"an Auto Scaling group on Spot ({', '.join(spec.INSTANCE_TYPES)}, "
    f"{spec.SPOT_ALLOCATION_STRATEGY}, capacity rebalancing) that survives an interruption",
    order=60,
    stack_class="LabSpotStack",
    steps=spec.STEPS,
    check_options=spec.CHECK_OPTIONS,
    starter=StarterSpec(kind="stack", template=STARTER_TEMPLATE, solution="labs/spot/stack.py"),
    # its VPC takes the region's first two zones; Spot may launch any of the three types in either
    zones=ZoneNeeds(zone_count=2, instance_types=spec.INSTANCE_TYPES),
    untagged_types=("AWS::EC2::Volume", "AWS::EC2::NetworkInterface"),
    cdk_defaults_class="CdkDefaultsSpotStack",
    service_linked_roles=("AWSServiceRoleForAutoScaling",),
    cheapest=CheapestSetup(
        description=f"{spec.DESIRED_CAPACITY} Spot instance of the three cheapest arm64 types "
        f"({', '.join(spec.INSTANCE_TYPES)}), at most the dearest pool's Spot price, with "
        f"{ROOT_VOLUME_GIB} GiB gp3 root and no public IPv4",
        usd_per_hour=lambda p: (
            spec.DESIRED_CAPACITY
            * (spot_usd_per_hour_at_most(p, spec.INSTANCE_TYPES) + ROOT_VOLUME_GIB * gp3_usd_per_gib_hour(p))
        ),
    ),
)
