"""What leftovers cannot look for: the types of a deleted lab stack the catalogue has no entry for.

CloudFormation keeps a deleted stack's template for 90 days, readable by the stack's id (GetTemplate API
reference: "For deleted stacks, GetTemplate returns the template for up to 90 days after the stack has been
deleted"). A type there without a catalogue entry (labs/catalogue/) may have left something the scan cannot
find: it is named as a finding, never skipped, so the scan does not say "nothing left".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.catalogue import unknown
from labs.catalogue.entry import CATALOGUE_DIR
from labs.leftovers.model import Findings, LiveStacks, Scope
from labs.shared_facts import LEARNER_STACK_PREFIX

if TYPE_CHECKING:
    import boto3

NOT_SEARCHED = "not searched"


def scan_deleted_stacks(session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings) -> None:
    """For the newest deleted stack of each lab in scope (each learner stack apart: its types are the
    learner's), the types its template holds that the catalogue does not know, as findings."""
    cloudformation = session.client("cloudformation")
    newest: dict[str, Mapping[str, Any]] = {}
    pages = cloudformation.get_paginator("list_stacks").paginate(StackStatusFilter=["DELETE_COMPLETE"])
    for summary in (s for page in pages for s in page["StackSummaries"]):
        name = summary["StackName"]
        lab = scope.stack_lab(name)
        if lab is None or name in live.names:
            continue
        # the kit's stacks of one lab share their types; a learner's own stack has its own
        key = name if name.startswith(LEARNER_STACK_PREFIX) or f"-{LEARNER_STACK_PREFIX}" in name else lab
        if key not in newest or summary.get("DeletionTime", 0) > newest[key].get("DeletionTime", 0):
            newest[key] = summary
    for deleted in newest.values():
        for cfn_type in unknown(_types(cloudformation, deleted["StackId"])):
            findings.add(
                cfn_type,
                f"{NOT_SEARCHED} (deleted stack {deleted['StackName']} had one)",
                "the kit's catalogue has no entry for this type, so labkit leftovers does not know how to "
                f"find what is left of it: look for it by hand, or add its entry to {CATALOGUE_DIR}",
            )


def _types(cloudformation: Any, stack_id: str) -> set[str]:
    try:
        body = cloudformation.get_template(StackName=stack_id)["TemplateBody"]
    except ClientError:  # older than 90 days, or never readable: nothing to say of it
        return set()
    template = json.loads(body) if isinstance(body, str) else body
    return {str(resource.get("Type")) for resource in template.get("Resources", {}).values()}
