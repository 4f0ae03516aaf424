"""Does a role allow an action on a resource? Does its trust let a caller assume it? As much of IAM's
evaluation as the emulator's schedules, its policy simulator and its AssumeRole need.

Identity policies (inline and attached) must allow, no statement may deny, and the role's permissions
boundary (when it has one) must allow too. Without a request context, condition blocks are not evaluated:
a statement with one is treated as not applying. With one (the simulator's context entries, AssumeRole's
external id and source identity), they are decided as IAM decides them (conditions.py).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from local_aws.services.iam.conditions import Context, condition_holds

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
    # CloudFormation drops an AWS::NoValue from a list (the CDK bootstrap's trust policies hold some); moto
    # keeps it as null, which AWS never stores
    return [one for one in (found if isinstance(found, list) else [found]) if isinstance(one, dict)]


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _matches(patterns: Iterable[str], value: str, *, ignore_case: bool) -> bool:
    if ignore_case:
        value = value.lower()
    return any(
        fnmatch.fnmatchcase(value, pattern.lower() if ignore_case else pattern) for pattern in patterns
    )


def applies(statement: Mapping[str, Any], action: str, resource: str, context: Context | None = None) -> bool:
    """Whether a statement covers the action on the resource: one with a condition only when the request
    `context` is given and the condition holds on it."""
    undecided = context is None or condition_holds(statement.get("Condition", {}), context) is not True
    if "Condition" in statement and undecided:
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


def decide(documents: Iterable[Any], action: str, resource: str, context: Context | None = None) -> str:
    """ALLOW, DENY (an explicit deny wins) or NO_MATCH for these policy documents together."""
    verdict = NO_MATCH
    for document in documents:
        for statement in statements(document):
            if not applies(statement, action, resource, context):
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


def trusts(role: Any, service: str, context: Context | None = None) -> bool:
    """True when the role's trust policy lets `service` (e.g. scheduler.amazonaws.com) assume it, for a
    request that carries `context` (the service's aws:SourceAccount and aws:SourceArn): a condition the
    emulator cannot decide never holds, stricter than AWS at worst."""
    for statement in statements(role.assume_role_policy_document):
        principal = statement.get("Principal", {})
        services = _as_list(principal.get("Service", [])) if isinstance(principal, dict) else []
        if statement.get("Effect") != "Allow" or service not in services:
            continue
        if not _matches(_as_list(statement.get("Action", [])), "sts:AssumeRole", ignore_case=True):
            continue
        if condition_holds(statement.get("Condition") or {}, context or {}) is True:
            return True
    return False


_ACCOUNT_ROOT = re.compile(r"^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::root)?$")
_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/(?:.*/)?([^/]+)$")
_USER_ARN = re.compile(r"^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):user/(?:.*/)?([^/]+)$")
_SESSION_ARN = re.compile(r"^arn:aws[\w-]*:sts::(\d{12}):assumed-role/([^/]+)/")


def principal_matches(principal: str, caller_arn: str, caller_account: str) -> bool:
    """Whether a trust policy's AWS principal names the caller: `*`, the caller's account (its id or
    `root`: any principal of it), the caller's user, the role behind the caller's session, or that session."""
    if principal == "*":
        return True
    if match := _ACCOUNT_ROOT.match(principal):
        return match.group(1) == caller_account
    if (match := _ROLE_ARN.match(principal)) and (session := _SESSION_ARN.match(caller_arn)):
        return match.groups() == session.groups()
    if (match := _USER_ARN.match(principal)) and (user := _USER_ARN.match(caller_arn)):
        return match.groups() == user.groups()
    return principal == caller_arn


def _names_caller(statement: Mapping[str, Any], caller_arn: str, caller_account: str) -> bool:
    principal = statement.get("Principal", {})
    if principal == "*":
        return True
    aws = principal.get("AWS", []) if isinstance(principal, dict) else []
    return any(principal_matches(p, caller_arn, caller_account) for p in _as_list(aws))


def trust_refuses(
    role: Any, *, caller_arn: str, caller_account: str, actions: Iterable[str], context: Context
) -> str | None:
    """The first of `actions` (sts:AssumeRole, sts:SetSourceIdentity) the role's trust policy does not
    allow the caller under `context`, None when it allows them all (IAM User Guide: role trust policies)."""
    trust = statements(role.assume_role_policy_document)
    for action in actions:
        relevant = [
            s
            for s in trust
            if _names_caller(s, caller_arn, caller_account)
            and _matches(_as_list(s.get("Action", [])), action, ignore_case=True)
            and ("Condition" not in s or condition_holds(s["Condition"], context) is True)
        ]
        effects = {s.get("Effect") for s in relevant}
        if "Deny" in effects or "Allow" not in effects:
            return action
    return None
