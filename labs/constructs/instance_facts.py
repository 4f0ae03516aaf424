"""CDK-free facts of every lab instance, read by the stacks, the descriptors and the tooling alike."""

from __future__ import annotations

# the cheapest Graviton size: every lab instance is one
LAB_INSTANCE_TYPE_NAME = "t4g.nano"
ROOT_VOLUME_GIB = 8  # the AL2023 image's snapshot size: the smallest root it accepts
