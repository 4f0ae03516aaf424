"""CloudWatch Logs resource policies: an account holds 10 per region, not adjustable (CloudWatch Logs API
reference, PutResourcePolicy). A lab stack that writes one (a rule that logs events to a log group needs
one) stops the 11th learner of a shared account with ROLLBACK_COMPLETE; a lab whose logging extends the
account's log-delivery policy needs one more, once, when the account has none yet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError

from labs.catalogue.logs import RESOURCE_POLICIES_PER_REGION, RESOURCE_POLICY
from labs.leftovers.account import is_log_delivery_policy
from labs.preflight.results import FAIL, OK, Line, unreadable
from labs.registry import lab

LOG_RESOURCE_POLICY_LIMIT = RESOURCE_POLICIES_PER_REGION
CHECK = f"CloudWatch Logs resource policies ({LOG_RESOURCE_POLICY_LIMIT} per region, not adjustable)"


def policies_per_learner(templates: Sequence[Mapping[str, Any]]) -> int:
    """How many account-level log resource policies one learner's stacks create."""
    return sum(
        1
        for template in templates
        for resource in (template.get("Resources") or {}).values()
        if resource.get("Type") == RESOURCE_POLICY.cfn_type
    )


def log_policy_line(
    logs: Any, *, labs: Sequence[str], templates: Sequence[Mapping[str, Any]], learners: int
) -> Line | None:
    """The account's log resource policies plus what `learners` deploys of `labs` add, against the limit;
    None when the labs add none. `logs` is a boto3 CloudWatch Logs client."""
    each = policies_per_learner(templates)
    delivering = [lab_id for lab_id in labs if lab(lab_id).extends_log_delivery_policy]
    if not each and not delivering:
        return None
    try:
        policies = logs.describe_resource_policies().get("resourcePolicies", [])
    except ClientError as error:
        return unreadable(CHECK, error, fix="allow logs:DescribeResourcePolicies")
    once = 1 if delivering and not any(is_log_delivery_policy(p) for p in policies) else 0
    needed = each * learners + once
    parts = [f"{learners} learner(s) × {each}"] + (
        [f"1 for {delivering[0]}'s log delivery, once"] if once else []
    )
    detail = (
        f"{len(policies)} in the account + {needed} needed ({' + '.join(parts)}) = "
        f"{len(policies) + needed} of {LOG_RESOURCE_POLICY_LIMIT}"
    )
    if len(policies) + needed <= LOG_RESOURCE_POLICY_LIMIT:
        return Line(check=CHECK, status=OK, detail=detail)
    return Line(
        check=CHECK,
        status=FAIL,
        detail=f"{detail}: the deploys past the limit end ROLLBACK_COMPLETE",
        fix="the limit cannot be raised: delete policies the account no longer needs (aws logs "
        "describe-resource-policies), spread the class over accounts, or use labs that create none",
    )
