"""EC2 in the emulator: instances, volumes, addresses and VPC parts as stacks create and delete them
(instances.py, instance_network.py, route_tables.py), the default EBS key (ebs_defaults.py), and Spot:
mixed-instances groups (spot.py), prices (spot_prices.py) and interruptions (interruptions.py)."""

from __future__ import annotations

from local_aws.fixes import EmulatorGap, ParityFix
from local_aws.services.ec2 import ebs_defaults, instance_network, instances, route_tables, spot, spot_prices

FIXES: tuple[ParityFix, ...] = (
    *instances.FIXES,
    *spot.FIXES,
    *spot_prices.FIXES,
    *ebs_defaults.FIXES,
    *instance_network.FIXES,
    *route_tables.FIXES,
)
GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "Spot is a rehearsal",
        "Spot prices are the kit's dated estimate, not live; EC2 interrupts nothing on its own and never "
        "runs short of capacity (price-capacity-optimized picks the cheapest pool, balancing zones and "
        "avoiding an interrupted pool); an interruption (labkit emulator interrupt, or an FIS experiment) "
        "sends the rebalance recommendation and the warning together and terminates after 10 s "
        "(configurable) instead of 2 min; only the terminate behaviour; no instance metadata notice",
    ),
    EmulatorGap(
        "no network",
        "instances run no code and their addresses are not on any network: nothing can be pinged",
    ),
)
