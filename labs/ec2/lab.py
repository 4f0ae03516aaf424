"""LabEc2, as the tooling sees it: an instance with a data volume and an Elastic IP you can ping."""

from __future__ import annotations

from pathlib import Path

from labs.constructs.instance_facts import LAB_INSTANCE_TYPE_NAME, ROOT_VOLUME_GIB
from labs.cost.cheapest import gp3_usd_per_gib_hour, instance_usd_per_hour, public_ipv4_usd_per_hour
from labs.descriptor import CheapestSetup, Lab, StarterSpec, ZoneNeeds
from labs.ec2 import spec

STARTER_TEMPLATE = Path(__file__).resolve().parent / "starter.py.tmpl"

LAB = Lab(
    package=__package__ or "labs.ec2",
    lab_id=spec.LAB_ID,
    title=f"a {LAB_INSTANCE_TYPE_NAME} instance, a {spec.DATA_VOLUME_GIB} GiB encrypted volume at "
    f"`{spec.DATA_MOUNT_POINT}`, an Elastic IP you can ping",
    order=10,
    stack_class="LabEc2Stack",
    steps=spec.STEPS,
    starter=StarterSpec(kind="stack", template=STARTER_TEMPLATE, solution="labs/ec2/stack.py"),
    zones=ZoneNeeds(zone_count=1, instance_types=(LAB_INSTANCE_TYPE_NAME,), follows_zone_setting=True),
    untagged_types=("AWS::EC2::EIP", "AWS::EC2::Volume", "AWS::EC2::NetworkInterface"),
    cdk_defaults_class="CdkDefaultsEc2Stack",
    cheapest=CheapestSetup(
        description=f"one {LAB_INSTANCE_TYPE_NAME}, its {ROOT_VOLUME_GIB} GiB gp3 root, a "
        f"{spec.DATA_VOLUME_GIB} GiB gp3 data volume, one public IPv4 to ping",
        usd_per_hour=lambda p: (
            instance_usd_per_hour(p, LAB_INSTANCE_TYPE_NAME)
            + (ROOT_VOLUME_GIB + spec.DATA_VOLUME_GIB) * gp3_usd_per_gib_hour(p)
            + public_ipv4_usd_per_hour(p)
        ),
    ),
)
