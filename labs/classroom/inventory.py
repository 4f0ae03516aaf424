"""Every kit lab stack in the account: `<owner>-<LabId>` (or a bare `<LabId>`), and a learner's own
`<owner>-My<LabId>` (`labkit exercise`), which is the owner's as much as the kit's, read with one listing.

A stack counts as a kit lab only when its `labkit:lab` and `labkit:owner` tags say the same as its name
(the stack's tags, else its template's): `labkit class destroy` never touches anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from labs.deployed.stack import DeployedStack, list_resources, template_tags
from labs.leftovers.model import Scope
from labs.registry import lab_ids
from labs.shared_facts import OWNER_UNSET, TAG_LAB, TAG_OWNER, learner_stack_id, owner_of

if TYPE_CHECKING:
    import boto3


@dataclass(frozen=True, kw_only=True)
class LabStackListing:
    """One lab stack as DescribeStacks lists it."""

    name: str
    stack_id: str
    lab_id: str
    owner: str | None
    status: str
    created: datetime
    tags: Mapping[str, str]
    status_reason: str = ""
    # the service role CloudFormation deletes the stack's resources with ("": the caller's own rights)
    role_arn: str = ""

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED") or self.status in {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED"}

    @property
    def shown_lab(self) -> str:
        """The lab as its stack names it: `My<Lab>` for a learner's own stack, else the lab id."""
        own = self.name.removeprefix(f"{self.owner}-") if self.owner else self.name
        return own if own != self.lab_id and own == f"My{self.lab_id}" else self.lab_id

    def says_kit_lab(self, tags: Mapping[str, str]) -> bool:
        """These tags name the lab and owner the stack's name carries."""
        return tags.get(TAG_LAB) == self.lab_id and tags.get(TAG_OWNER) == (self.owner or OWNER_UNSET)

    def deployed(self, session: boto3.Session) -> DeployedStack:
        """The stack with its resources, as the checks and the expiry reader take it."""
        return DeployedStack(
            name=self.name,
            stack_id=self.stack_id,
            status=self.status,
            tags=self.tags,
            resources=tuple(list_resources(session, self.name)),
            status_reason=self.status_reason,
        )


def stack_owner(name: str, lab_id: str) -> str | None:
    """The owner a lab stack's name carries: `alice` for `alice-<Lab>` and for her own `alice-My<Lab>`."""
    return owner_of(name, lab_id) or owner_of(name, learner_stack_id(lab_id))


def list_lab_stacks(session: boto3.Session) -> list[LabStackListing]:
    """Stacks named like a lab (any owner), deleted ones left out, in name order."""
    found = []
    pages = session.client("cloudformation").get_paginator("describe_stacks").paginate()
    for stack in (stack for page in pages for stack in page["Stacks"]):
        name, status = stack["StackName"], stack["StackStatus"]
        lab_id = Scope(labs=lab_ids(), owner=None).stack_lab(name)
        if lab_id is None or status == "DELETE_COMPLETE":
            continue
        found.append(
            LabStackListing(
                name=name,
                stack_id=stack.get("StackId", name),
                lab_id=lab_id,
                owner=stack_owner(name, lab_id),
                status=status,
                created=stack["CreationTime"],
                tags={tag["Key"]: tag["Value"] for tag in stack.get("Tags", [])},
                status_reason=stack.get("StackStatusReason", ""),
                role_arn=stack.get("RoleARN", ""),
            )
        )
    return sorted(found, key=lambda listing: listing.name)


def is_kit_lab(session: boto3.Session, listing: LabStackListing) -> bool:
    """The stack's kit tags (its own, else its template's, for stacks whose tags were not kept) agree."""
    if TAG_LAB in listing.tags:
        return listing.says_kit_lab(listing.tags)
    return listing.says_kit_lab(template_tags(session, listing.name))
