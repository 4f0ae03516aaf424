"""Does a role allow an action on a resource? As much of IAM's evaluation as the emulator's schedules need.

Identity policies (inline and attached) must allow, no statement may deny, and the role's permissions
boundary (when it has one) must allow too. Condition blocks are not evaluated: a statement with one is
treated as not applying, which can only make the emulator stricter than AWS, never looser.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

ALLOW, DENY, NO_MATCH = "allow", "deny", "no match"


@dataclass(frozen=True)
class Decision:
    """Whether a policy allows an action, and why."""

    allowed: bool
    reason: str


def statements(document: Any) -> list[dict[str, Any]]:
    """A policy document's statements, from a dict or its JSON text (URL-encoded or not)."""
    if isinstance(document, str):
        document = json.loads(unquote(document) if document.startswith("%7B") else document)
    found = (document or {}).get("Statement", [])
    return found if isinstance(found, list) else [found]


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _matches(patterns: Iterable[str], value: str, *, ignore_case: bool) -> bool:
    if ignore_case:
        value = value.lower()
    return any(
        fnmatch.fnmatchcase(value, pattern.lower() if ignore_case else pattern) for pattern in patterns
    )


def applies(statement: Mapping[str, Any], action: str, resource: str) -> bool:
    """Whether a statement covers the action on the resource (one with a condition never does here)."""
    if "Condition" in statement:
        return False
    if "Action" in statement:
        action_ok = _matches(_as_list(statement["Action"]), action, ignore_case=True)
    else:
        action_ok = not _matches(_as_list(statement.get("NotAction", [])), action, ignore_case=True)
    if "Resource" in statement:
        resource_ok = _matches(_as_list(statement["Resource"]), resource, ignore_case=False)
    else:
        resource_ok = not _matches(_as_list(statement.get("NotResource", [])), resource, ignore_case=False)
    return action_ok and resource_ok


def decide(documents: Iterable[Any], action: str, resource: str) -> str:
    """ALLOW, DENY (an explicit deny wins) or NO_MATCH for these policy documents together."""
    verdict = NO_MATCH
    for document in documents:
        for statement in statements(document):
            if not applies(statement, action, resource):
                continue
            if statement.get("Effect") == "Deny":
                return DENY
            if statement.get("Effect") == "Allow":
                verdict = ALLOW
    return verdict


def _default_document(policy: Any) -> Any:
    return next((v.document for v in policy.versions if v.is_default), "{}")


def role_allows(role: Any, iam: Any, action: str, resource: str) -> Decision:
    """Whether moto's `role` may call `action` on `resource` (`iam` is its account's IAM backend)."""
    identity = [*role.policies.values(), *(_default_document(p) for p in role.managed_policies.values())]
    verdict = decide(identity, action, resource)
    if verdict == DENY:
        return Decision(
            False, f"an explicit deny in role {role.name}'s policies forbids {action} on {resource}"
        )
    if verdict == NO_MATCH:
        return Decision(False, f"no policy of role {role.name} allows {action} on {resource}")
    boundary_arn = getattr(role, "permissions_boundary_arn", None)
    if boundary_arn:
        boundary = iam.get_policy(boundary_arn)
        if decide([_default_document(boundary)], action, resource) != ALLOW:
            return Decision(
                False, f"role {role.name}'s permissions boundary {boundary_arn} does not allow {action}"
            )
    return Decision(True, f"role {role.name} allows {action} on {resource}")


def trusts(role: Any, service: str) -> bool:
    """True when the role's trust policy lets `service` (e.g. scheduler.amazonaws.com) assume it."""
    for statement in statements(role.assume_role_policy_document):
        principal = statement.get("Principal", {})
        services = _as_list(principal.get("Service", [])) if isinstance(principal, dict) else []
        if statement.get("Effect") == "Allow" and service in services and "Condition" not in statement:
            return _matches(_as_list(statement.get("Action", [])), "sts:AssumeRole", ignore_case=True)
        if statement.get("Effect") == "Allow" and service in services:
            # the kit's trust has aws:SourceAccount = its own account, which the emulator's calls satisfy
            return True
    return False
