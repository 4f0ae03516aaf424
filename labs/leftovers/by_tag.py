"""Leftovers the Resource Groups Tagging API finds by the kit's `labkit:lab` tag."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from labs.catalogue import entries
from labs.catalogue.logs import LOG_GROUP
from labs.leftovers.model import Findings, LiveStacks, Scope, tag_reason, tags_of, tail
from labs.shared_facts import TAG_LAB, TAG_OWNER

if TYPE_CHECKING:
    import boto3


def arn_types() -> dict[str, str]:
    """`service:kind` -> CloudFormation type, for every catalogue entry the tagging API finds."""
    return {
        found.leftovers.tag_arn: cfn_type for cfn_type, found in entries().items() if found.leftovers.tag_arn
    }


def per_type_judged() -> frozenset[str]:
    """The types the EC2 scan judges better than a tag alone (attachment, state, owning VPC)."""
    return frozenset(cfn_type for cfn_type, found in entries().items() if found.leftovers.ec2_scan)


def unknown_kind(arn_kind: str) -> str:
    """How a leftover of an ARN kind the catalogue does not know is named: `unknown type (sns)`."""
    return f"unknown type ({arn_kind})"


def arn_type_and_id(arn: str) -> tuple[str, str]:
    """(CloudFormation type, short identifier) of an ARN from the tagging API; a kind the catalogue does not
    know comes back as `unknown type (service:kind)`."""
    parts = arn.split(":", 5)
    service, resource = (parts[2], parts[5]) if len(parts) == 6 else ("?", arn)
    kind = re.split(r"[/:]", resource, maxsplit=1)[0] if re.search(r"[/:]", resource) else ""
    arn_kind = f"{service}:{kind}"
    resource_type = arn_types().get(arn_kind) or unknown_kind(arn_kind.rstrip(":"))
    if resource_type == LOG_GROUP.cfn_type:
        return resource_type, resource.split(":", 1)[1].removesuffix(":*")
    return resource_type, tail(arn)


def scan_tagged(session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings) -> None:
    """Every resource the tagging API knows with a labkit:lab tag of the scope (EC2 judged per type)."""
    filters: list[Any] = [{"Key": TAG_LAB, "Values": list(scope.labs)}]
    if scope.owner:
        filters.append({"Key": TAG_OWNER, "Values": [scope.owner]})
    tagging = session.client("resourcegroupstaggingapi")
    judged = per_type_judged()
    for page in tagging.get_paginator("get_resources").paginate(TagFilters=filters):
        for mapping in page.get("ResourceTagMappingList", []):
            arn, tags = mapping["ResourceARN"], tags_of(mapping.get("Tags"))
            resource_type, identifier = arn_type_and_id(arn)
            # stacks are judged by list_stacks (the tagging API also returns deleted ones)
            if resource_type in judged or ":cloudformation:" in arn:
                continue
            if live.owns_tagged(arn, tags) or findings.has(identifier):
                continue
            if scope.tagged_lab(tags):
                unknown = " (the kit's catalogue has no entry for this kind: check it by hand)"
                reason = tag_reason(tags) + (unknown if resource_type.startswith("unknown type") else "")
                findings.add(resource_type, identifier, reason)
