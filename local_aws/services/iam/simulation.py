"""IAM parity fix: the policy simulator answers, as AWS's does, for allow and deny of plain statements.

`labkit preflight` asks `iam:SimulateCustomPolicy` whether the landing zone's permissions boundary allows what
each lab needs; moto has no simulator at all. The evaluation is the emulator's own (policy.py):
an explicit deny wins, else an allow in the identity policies and (when given) in the boundary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import moto_name, replace, request_param
from local_aws.services.iam.conditions import Context
from local_aws.services.iam.policy import ALLOW, DENY, decide

# IAM API reference, EvaluationResult.EvalDecision: allowed | explicitDeny | implicitDeny
ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY = "allowed", "explicitDeny", "implicitDeny"


def evaluate(
    identity: Sequence[Any],
    boundary: Sequence[Any],
    action: str,
    resource: str = "*",
    context: Context | None = None,
) -> str:
    """AWS's decision for one action: an explicit deny anywhere wins; the identity policies must allow and,
    when a boundary is given, so must the boundary (IAM User Guide, policy evaluation logic). Conditions are
    decided on `context` (the request's context entries) when one is given."""
    identity_verdict = decide(identity, action, resource, context)
    boundary_verdict = decide(boundary, action, resource, context) if boundary else ALLOW
    if DENY in (identity_verdict, boundary_verdict):
        return EXPLICIT_DENY
    return ALLOWED if identity_verdict == ALLOW and boundary_verdict == ALLOW else IMPLICIT_DENY


def results(
    identity: Sequence[Any],
    boundary: Sequence[Any],
    actions: Iterable[str],
    resources: Sequence[str],
    context: Context | None = None,
) -> list[dict[str, Any]]:
    """One EvaluationResult per action and resource, as SimulateCustomPolicy returns them."""
    return [
        {
            "EvalActionName": action,
            "EvalResourceName": resource,
            "EvalDecision": evaluate(identity, boundary, action, resource, context),
            "MatchedStatements": [],
            "MissingContextValues": [],
        }
        for action in actions
        for resource in resources or ["*"]
    ]


def request_context(entries: Sequence[Any] | None) -> Context | None:
    """The simulation's ContextEntries as a request context, None when the request gives none."""
    if not entries:
        return None
    return {
        str(entry["ContextKeyName"]): [str(value) for value in entry.get("ContextKeyValues", [])]
        for entry in entries
    }


def _default_document(policy: Any) -> Any:
    return next((v.document for v in policy.versions if v.is_default), "{}")


@parity_fix(
    "IAM policy simulation (SimulateCustomPolicy, SimulatePrincipalPolicy)",
    moto_does="does not implement the policy simulator: both calls answer that the action is not supported",
    aws_does="evaluates the given policies (and permissions boundary) for each action and resource, their "
    "conditions on the request's ContextEntries, and answers allowed, explicitDeny or implicitDeny per "
    "action (IAM API reference: SimulateCustomPolicy, SimulatePrincipalPolicy; IAM User Guide: policy "
    "evaluation logic, condition operators)",
)
def iam_policy_simulation() -> None:
    """Patches moto: IAM policy simulation (SimulateCustomPolicy, SimulatePrincipalPolicy)."""
    responses = moto_name("iam.IamResponse")
    action_result = moto_name("core.ActionResult")

    def simulate_custom_policy(self: Any) -> Any:
        evaluated = results(
            request_param(self, "PolicyInputList", []),
            request_param(self, "PermissionsBoundaryPolicyInputList", []),
            request_param(self, "ActionNames", []),
            request_param(self, "ResourceArns", []),
            request_context(request_param(self, "ContextEntries", [])),
        )
        return action_result({"EvaluationResults": evaluated, "IsTruncated": False})

    def simulate_principal_policy(self: Any) -> Any:
        source = str(request_param(self, "PolicySourceArn"))
        name = source.rsplit("/", 1)[-1]
        role = self.backend.get_role(name) if ":role/" in source else self.backend.get_user(name)
        identity = [
            *role.policies.values(),
            *(_default_document(p) for p in role.managed_policies.values()),
            *request_param(self, "PolicyInputList", []),
        ]
        boundary_arn = getattr(role, "permissions_boundary_arn", None) or request_param(
            self, "PermissionsBoundaryPolicyInputList"
        )
        boundary: list[Any] = []
        if isinstance(boundary_arn, str):
            boundary = [_default_document(self.backend.get_policy(boundary_arn))]
        elif boundary_arn:
            boundary = list(boundary_arn)
        evaluated = results(
            identity,
            boundary,
            request_param(self, "ActionNames", []),
            request_param(self, "ResourceArns", []),
            request_context(request_param(self, "ContextEntries", [])),
        )
        return action_result({"EvaluationResults": evaluated, "IsTruncated": False})

    replace(responses, "simulate_custom_policy", simulate_custom_policy)
    replace(responses, "simulate_principal_policy", simulate_principal_policy)


FIXES: tuple[ParityFix, ...] = (iam_policy_simulation,)
