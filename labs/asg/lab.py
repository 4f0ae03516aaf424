"""LabAsg, as the tooling sees it: an Auto Scaling group that replaces a terminated instance."""

from __future__ import annotations

from pathlib import Path

from labs.asg import spec
from labs.constructs.instance_facts import ROOT_VOLUME_GIB
from labs.cost.cheapest import gp3_usd_per_gib_hour, instance_usd_per_hour
from labs.descriptor import CheapestSetup, Lab, StarterSpec, ZoneNeeds

STARTER_TEMPLATE = Path(__file__).resolve().parent / "starter.py.tmpl"

LAB = Lab(
    package=__package__ or "labs.asg",
    lab_id=spec.LAB_ID,
    title=f"an Auto Scaling group, min {spec.MIN_CAPACITY} / desired {spec.DESIRED_CAPACITY} / max "
    f"{spec.MAX_CAPACITY}, that replaces a terminated instance",
    order=20,
    stack_class="LabAsgStack",
    steps=spec.STEPS,
    check_options=spec.CHECK_OPTIONS,
    starter=StarterSpec(kind="stack", template=STARTER_TEMPLATE, solution="labs/asg/stack.py"),
    # its VPC takes the region's first two zones
    zones=ZoneNeeds(zone_count=2, instance_types=(spec.INSTANCE_TYPE,)),
    untagged_types=("AWS::EC2::Volume", "AWS::EC2::NetworkInterface"),
    cdk_defaults_class="CdkDefaultsAsgStack",
    service_linked_roles=("AWSServiceRoleForAutoScaling",),
    cheapest=CheapestSetup(
        description=f"{spec.DESIRED_CAPACITY} {spec.INSTANCE_TYPE} with {ROOT_VOLUME_GIB} GiB gp3 roots "
        "and no public IPv4",
        usd_per_hour=lambda p: (
            spec.DESIRED_CAPACITY
            * (instance_usd_per_hour(p, spec.INSTANCE_TYPE) + ROOT_VOLUME_GIB * gp3_usd_per_gib_hour(p))
        ),
    ),
)
