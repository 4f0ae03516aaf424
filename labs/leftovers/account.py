"""Account-level items a lab changes and `cdk destroy` leaves in place: known and free, notes not leftovers.

A lab whose service acts through a service-linked role (its descriptor's `service_linked_roles`: Auto
Scaling's, Batch's) makes the account's first deploy create that role; it is free, shared by every user of the
service in the account, and no stack owns it (IAM user guide, using service-linked roles).

A lab whose state machine logs (its descriptor's `extends_log_delivery_policy`) makes CloudWatch Logs create
or extend the account's log-delivery resource policy
(Step Functions guide, bp-cwl: "Step Functions must update your CloudWatch Logs resource policy"). The policy
is shared by every service that delivers logs in the region; no stack owns it, so no destroy removes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from labs.catalogue.iam import ROLE
from labs.catalogue.logs import RESOURCE_POLICY
from labs.leftovers.model import Scope
from labs.registry import lab

if TYPE_CHECKING:
    import boto3

# the policy CloudWatch Logs creates for vended logs (CloudWatch Logs guide: AWS-logs-infrastructure-CWL)
LOG_DELIVERY_POLICY = "AWSLogDeliveryWrite20150319"
LOG_DELIVERY_PRINCIPAL = "delivery.logs.amazonaws.com"


@dataclass(frozen=True)
class AccountNote:
    """Something account-level a lab left, known and free: shown, never counted as a leftover."""

    resource_type: str
    identifier: str
    note: str


def account_notes(session: boto3.Session, scope: Scope) -> list[AccountNote]:
    """The account's log-delivery resource policy and service-linked roles that labs in scope create."""
    return [*service_linked_role_notes(session, scope), *log_delivery_notes(session, scope)]


def service_linked_role_notes(session: boto3.Session, scope: Scope) -> list[AccountNote]:
    """Each service-linked role a lab in scope creates, when the account has it."""
    by_role: dict[str, list[str]] = {}
    for lab_id in scope.labs:
        for role in lab(lab_id).service_linked_roles:
            by_role.setdefault(role, []).append(lab_id)
    notes = []
    iam = session.client("iam")
    for role, labs in by_role.items():
        try:
            iam.get_role(RoleName=role)
        except iam.exceptions.NoSuchEntityException:
            continue
        notes.append(
            AccountNote(
                ROLE.cfn_type,
                role,
                f"account-level, free: the service-linked role {' and '.join(labs)} use(s); AWS created it "
                "with the first deploy and keeps it for every user of the service, so leave it",
            )
        )
    return notes


def log_delivery_notes(session: boto3.Session, scope: Scope) -> list[AccountNote]:
    """The account's log-delivery resource policy, when a lab in scope extends it and the policy exists."""
    extending = [lab_id for lab_id in scope.labs if lab(lab_id).extends_log_delivery_policy]
    if not extending:
        return []
    policies = session.client("logs").describe_resource_policies().get("resourcePolicies", [])
    return [
        AccountNote(
            RESOURCE_POLICY.cfn_type,
            policy["policyName"],
            f"account-level, free: {' and '.join(extending)}'s logging adds its /aws/vendedlogs/ log groups "
            "to it and `cdk destroy` leaves it, as for every service that delivers logs; other logging may "
            "rely on it, so leave it",
        )
        for policy in policies
        if is_log_delivery_policy(policy)
    ]


def is_log_delivery_policy(policy: Mapping[str, Any]) -> bool:
    """Whether a resource policy is the one log delivery adds to CloudWatch Logs."""
    if policy.get("policyName") == LOG_DELIVERY_POLICY:
        return True
    try:
        document = json.loads(policy.get("policyDocument") or "{}")
    except ValueError:
        return False
    statements = document.get("Statement", [])
    return any(
        LOG_DELIVERY_PRINCIPAL in json.dumps(s.get("Principal", "")) and "/aws/vendedlogs/" in json.dumps(s)
        for s in (statements if isinstance(statements, list) else [statements])
    )
