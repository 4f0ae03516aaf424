"""What a leftover scan is about (labs and owner), what it found, and what the live stacks still own."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from labs.registry import lab, lab_ids
from labs.shared_facts import LEARNER_STACK_PREFIX, TAG_LAB, TAG_OWNER

STACK_NAME_TAG = "aws:cloudformation:stack-name"
ASG_NAME_TAG = "aws:autoscaling:groupName"


@dataclass(frozen=True)
class Leftover:
    """A resource a lab left behind, and why the scan thinks so."""

    resource_type: str
    identifier: str
    reason: str


def tail(identifier: str) -> str:
    """The name or id inside an ARN or a queue URL (other ids as they are), as physical ids name them."""
    if identifier.startswith("arn:"):
        resource = identifier.split(":", 5)[-1].removesuffix(":*")
        return re.split(r"[/:]", resource)[-1]
    if identifier.startswith(("https://", "http://")):
        return identifier.rstrip("/").rsplit("/", 1)[-1]
    return identifier


@dataclass(frozen=True)
class Scope:
    """Which labs and owner a scan is about."""

    labs: tuple[str, ...]
    owner: str | None

    @property
    def description(self) -> str:
        labs = ", ".join(self.labs) if len(self.labs) < len(lab_ids()) else "the labs"
        return labs + (f" (owner {self.owner})" if self.owner else " (any owner)")

    def _pattern(self, *, tail_required: bool, lower: bool = False) -> re.Pattern[str]:
        labs = "|".join(re.escape(lab.lower() if lower else lab) for lab in self.labs)
        owner = re.escape(self.owner) + "-" if self.owner else "(?:[a-z][a-z0-9-]*-)?"
        # a learner's own stack of a lab (`My<Lab>`, `labkit exercise`) belongs to that lab
        mine = f"(?:{LEARNER_STACK_PREFIX.lower() if lower else LEARNER_STACK_PREFIX})?"
        return re.compile(f"^{owner}{mine}({labs})" + ("-" if tail_required else "$"))

    def stack_lab(self, stack_name: str) -> str | None:
        """The lab a stack name belongs to (`<Lab>`, `alice-My<Lab>`), None when out of scope."""
        match = self._pattern(tail_required=False).match(stack_name)
        return match.group(1) if match else None

    def named_stack(self, name: str, *, lower: bool = False) -> str | None:
        """The stack a resource named `<stack name>-...` came from (CloudFormation's generated names)."""
        match = self._pattern(tail_required=True, lower=lower).match(name)
        return match.group(0)[:-1] if match else None

    def tagged_lab(self, tags: Mapping[str, str]) -> str | None:
        """The lab a resource's tags name, when it is in this scan's scope."""
        lab = tags.get(TAG_LAB)
        if lab not in self.labs:
            return None
        if self.owner and tags.get(TAG_OWNER) != self.owner:
            return None
        return lab

    def creates_untagged(self, resource_type: str) -> bool:
        """Whether a lab in scope creates this type without tags (its descriptor's untagged_types)."""
        return any(resource_type in lab(lab_id).untagged_types for lab_id in self.labs)


def tags_of(items: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """An AWS tag list as a dict."""
    return {str(t["Key"]): str(t.get("Value", "")) for t in items or [] if "Key" in t}


def tag_reason(tags: Mapping[str, str]) -> str:
    """Why a tagged resource is a leftover, in words."""
    owner = f", {TAG_OWNER}={tags[TAG_OWNER]}" if TAG_OWNER in tags else ""
    stack = f" (its stack {tags[STACK_NAME_TAG]} is gone)" if STACK_NAME_TAG in tags else ""
    return f"tagged {TAG_LAB}={tags.get(TAG_LAB)}{owner}; no live stack owns it{stack}"


@dataclass
class LiveStacks:
    """What the stacks still present own: their resources are not leftovers."""

    names: set[str] = field(default_factory=set)
    tails: set[str] = field(default_factory=set)
    vpcs: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)

    def owns(self, identifier: str) -> bool:
        """Whether a live stack owns the resource."""
        return bool(identifier) and tail(identifier) in self.tails

    def owns_tagged(self, identifier: str, tags: Mapping[str, str]) -> bool:
        """Whether a live stack owns the resource, by identifier or by its stack tag."""
        return self.owns(identifier) or tags.get(STACK_NAME_TAG, "") in self.names


@dataclass
class Findings:
    """Leftovers by (type, identifier), first reason wins."""

    found: dict[tuple[str, str], Leftover] = field(default_factory=dict)

    def add(self, resource_type: str, identifier: str, reason: str) -> None:
        """Record a leftover, unless it is already recorded."""
        self.found.setdefault((resource_type, identifier), Leftover(resource_type, identifier, reason))

    def has(self, identifier: str) -> bool:
        """Whether a leftover of that identifier is recorded."""
        return any(key[1] == identifier for key in self.found)

    def sorted(self) -> list[Leftover]:
        """The leftovers, by type and identifier."""
        return sorted(self.found.values(), key=lambda f: (f.resource_type, f.identifier))
