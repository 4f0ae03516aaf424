"""Does the landing zone's permissions boundary allow what a lab needs? IAM's policy simulator answers.

The boundary caps the lab's own roles and, under `cdk bootstrap --custom-permissions-boundary`, the
bootstrap's CloudFormation execution role. `iam:SimulateCustomPolicy` with an allow-everything identity
policy and the boundary as `PermissionsBoundaryPolicyInputList` answers, per action, whether the boundary
alone would deny it (IAM API reference: SimulateCustomPolicy). The actions: labs/preflight/permissions.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.preflight.permissions import lab_actions, not_simulated_note
from labs.preflight.results import CANNOT_TELL, FAIL, OK, Line, unreadable

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

ALLOW_EVERYTHING = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
# what a learner notices when each of these is denied
CONSEQUENCES = {
    "cloudformation:DeleteStack": "the expiry cannot delete the stack",
    "sqs:SendMessage": "the expiry's dead-letter queue stays empty when it fails",
    "s3:ListBucket": "the cleaner fails and destroy ends DELETE_FAILED",
    "s3:DeleteObject": "the cleaner fails and destroy ends DELETE_FAILED",
    "dynamodb:GetRecords": "the stream trigger cannot be created",
    "dynamodb:DescribeStream": "the stream trigger cannot be created",
    # Lambda creates a VPC function's network interfaces with the function's own role (Lambda developer guide)
    "ec2:CreateNetworkInterface": "a function in a VPC cannot be created",
    "ssmmessages:CreateControlChannel": "Session Manager cannot reach the instance",
}


def boundary_document(iam: IAMClient, arn: str) -> str:
    """The boundary policy's default version, as JSON text."""
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    document: Any = version["PolicyVersion"]["Document"]
    return document if isinstance(document, str) else json.dumps(document)


def denied_actions(iam: IAMClient, boundary: str, actions: Sequence[str]) -> list[str]:
    """The actions the boundary denies (explicitly or by not allowing them), in the order given."""
    decisions: dict[str, str] = {}
    pages = iam.get_paginator("simulate_custom_policy").paginate(
        PolicyInputList=[ALLOW_EVERYTHING],
        PermissionsBoundaryPolicyInputList=[boundary],
        ActionNames=list(actions),
    )
    for page in pages:
        for result in page["EvaluationResults"]:
            decisions[result["EvalActionName"]] = result["EvalDecision"]
    return [action for action in actions if decisions.get(action, "implicitDeny") != "allowed"]


def boundary_simulation_line(iam: IAMClient, *, lab_id: str, template: Mapping[str, Any], arn: str) -> Line:
    """One line per lab: the actions its roles and CloudFormation need that the boundary would deny."""
    check = f"permissions boundary allows what {lab_id} needs (iam:SimulateCustomPolicy)"
    actions = lab_actions(template)
    try:
        denied = denied_actions(iam, boundary_document(iam, arn), actions)
    except ClientError as error:
        return unreadable(
            check, error, fix="allow iam:GetPolicy, iam:GetPolicyVersion and iam:SimulateCustomPolicy"
        )
    unknown = not_simulated_note(template)
    add_entry = (
        "add the type's entry to labs/catalogue/ (its deploy_actions), or the managed policy's actions to "
        "labs/catalogue/iam.py, then run preflight again"
    )
    if not denied:
        if unknown:
            detail = f"all {len(actions)} actions simulated are allowed, but {unknown}"
            return Line(check=check, status=CANNOT_TELL, detail=detail, fix=add_entry)
        return Line(check=check, status=OK, detail=f"all {len(actions)} actions allowed")
    effects = sorted({CONSEQUENCES[action] for action in denied if action in CONSEQUENCES})
    return Line(
        check=check,
        status=FAIL,
        detail=f"the boundary denies {len(denied)} of {len(actions)}: {', '.join(denied)}"
        + (f" ({'; '.join(effects)})" if effects else "")
        + (f"; and {unknown}" if unknown else ""),
        fix="ask your platform team to allow these in the boundary (README: what the boundary must allow)",
    )
