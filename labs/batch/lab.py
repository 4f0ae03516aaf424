"""LabBatch, as the tooling sees it: an array job of ten children on Fargate ARM64 over an input set in S3."""

from __future__ import annotations

from pathlib import Path

from labs.batch import spec
from labs.cost.cheapest import idle_serverless
from labs.descriptor import CheapestSetup, Lab, StarterSpec

STARTER_TEMPLATE = Path(__file__).resolve().parent / "starter.py.tmpl"

LAB = Lab(
    package=__package__ or "labs.batch",
    lab_id=spec.LAB_ID,
    title=f"an array job of {spec.ARRAY_SIZE} children on Fargate ARM64 (0.25 vCPU, no Docker, no NAT "
    "gateway), each reading one input from S3 and writing one result",
    order=70,
    stack_class="LabBatchStack",
    steps=spec.STEPS,
    check_options=spec.CHECK_OPTIONS,
    cdk_defaults_class="CdkDefaultsBatchStack",
    # its compute environment names no service role: Batch uses (and first creates) its service-linked role
    service_linked_roles=("AWSServiceRoleForBatch",),
    starter=StarterSpec(
        kind="stack", template=STARTER_TEMPLATE, solution="labs/batch/constructs.py (ArrayChild)"
    ),
    cheapest=CheapestSetup(
        description="nothing billed while idle; each child bills Fargate per second, with a minute's minimum",
        usd_per_hour=idle_serverless,
    ),
)
