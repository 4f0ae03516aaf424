"""The lines that depend on what the lab creates: whether the kit's catalogue knows every type it holds, the
Powertools layer's region for the function labs, the zones Fn::GetAZs gives the lab's VPC, and the
service-linked roles Auto Scaling and Batch act through."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from labs.catalogue import unknown
from labs.preflight.results import CANNOT_TELL, FAIL, OK, Line
from labs.preflight.service_roles import (
    BATCH,
    default_ebs_key_line,
    has_auto_scaling_group,
    service_linked_role_line,
    uses_batch_service_linked_role,
)
from labs.preflight.zones import zone_pick_line
from labs.shared_facts import POWERTOOLS_LAYER_NAME, powertools_region_problem

if TYPE_CHECKING:
    import boto3


def uses_powertools_layer(template: Mapping[str, Any]) -> bool:
    """True when a function of the template runs with the pinned Powertools layer."""
    return POWERTOOLS_LAYER_NAME in json.dumps(template.get("Resources", {}))


def catalogue_line(lab_id: str, template: Mapping[str, Any]) -> Line:
    """Every resource type of the lab has a catalogue entry; those that do not are named, not skipped."""
    check = f"the kit's catalogue knows every resource type of {lab_id}"
    types = [str(resource.get("Type")) for resource in template.get("Resources", {}).values()]
    missing = unknown(types)
    if not missing:
        return Line(check=check, status=OK, detail=f"{len(set(types))} types, each with its entry")
    return Line(
        check=check,
        status=CANNOT_TELL,
        detail=f"unknown: {', '.join(missing)}: labkit cost cannot price it, its permissions are not "
        "simulated, its quotas not counted, and labkit leftovers does not know how to find it",
        fix="add its entry to labs/catalogue/ (one module per AWS service)",
    )


def powertools_region_line(region: str) -> Line:
    """The pinned Powertools layer is published in the region (AWS's arm64 table lists not every region)."""
    check = f"Powertools layer {POWERTOOLS_LAYER_NAME} published in {region}"
    problem = powertools_region_problem(region)
    if problem is None:
        return Line(check=check, status=OK, detail="listed in the layer's arm64 table")
    return Line(check=check, status=FAIL, detail=problem, fix="deploy in a listed region (--region)")


def lab_lines(
    session: boto3.Session,
    *,
    lab_id: str,
    template: Mapping[str, Any],
    region: str,
    account: str | None,
    zone: str | None,
) -> list[Line]:
    """Every line this lab's resources call for, in the order a deploy meets them."""
    lines: list[Line] = [catalogue_line(lab_id, template)]
    if uses_powertools_layer(template):
        lines.append(powertools_region_line(region))
    ec2 = session.client("ec2")
    picked = zone_pick_line(ec2, lab_id=lab_id, chosen_zone=zone)
    if picked is not None:
        lines.append(picked)
    if has_auto_scaling_group(template):
        lines.append(service_linked_role_line(session.client("iam")))
        if account is not None:
            lines.append(default_ebs_key_line(ec2, session.client("kms"), account=account))
    if uses_batch_service_linked_role(template):
        lines.append(service_linked_role_line(session.client("iam"), BATCH))
    return lines
