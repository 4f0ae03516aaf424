"""Parity: IAM's policy simulator answers allowed, explicitDeny or implicitDeny per action, as AWS's does."""

from __future__ import annotations

import json

import pytest

from local_aws.client import LocalAws
from local_aws.services.iam.simulation import ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY, evaluate

pytestmark = pytest.mark.emulator

ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
BOUNDARY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:*", "sqs:*", "cloudformation:*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "cloudformation:DeleteStack", "Resource": "*"},
    ],
}


def test_a_boundary_caps_the_identity_policy_and_an_explicit_deny_wins() -> None:
    assert evaluate([ALLOW_ALL], [BOUNDARY], "s3:DeleteObject") == ALLOWED
    assert evaluate([ALLOW_ALL], [BOUNDARY], "cloudformation:DeleteStack") == EXPLICIT_DENY
    assert evaluate([ALLOW_ALL], [BOUNDARY], "dynamodb:GetRecords") == IMPLICIT_DENY
    assert evaluate([BOUNDARY], [], "dynamodb:GetRecords") == IMPLICIT_DENY


def test_simulate_custom_policy_answers_per_action(local_aws: LocalAws) -> None:
    iam = local_aws.session().client("iam")

    answer = iam.simulate_custom_policy(
        PolicyInputList=[json.dumps(ALLOW_ALL)],
        PermissionsBoundaryPolicyInputList=[json.dumps(BOUNDARY)],
        ActionNames=["s3:ListBucket", "cloudformation:DeleteStack", "dynamodb:GetRecords"],
    )

    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in answer["EvaluationResults"]}
    assert decisions == {
        "s3:ListBucket": ALLOWED,
        "cloudformation:DeleteStack": EXPLICIT_DENY,
        "dynamodb:GetRecords": IMPLICIT_DENY,
    }


def test_simulate_principal_policy_reads_the_roles_policies_and_boundary(local_aws: LocalAws) -> None:
    iam = local_aws.session().client("iam")
    created = iam.create_policy(PolicyName="SimBoundary", PolicyDocument=json.dumps(BOUNDARY))
    boundary = created["Policy"]["Arn"]
    role = iam.create_role(RoleName="SimRole", AssumeRolePolicyDocument="{}", PermissionsBoundary=boundary)
    iam.put_role_policy(RoleName="SimRole", PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL))

    answer = iam.simulate_principal_policy(
        PolicySourceArn=role["Role"]["Arn"],
        ActionNames=["sqs:SendMessage", "cloudformation:DeleteStack", "ec2:RunInstances"],
    )

    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in answer["EvaluationResults"]}
    assert decisions == {
        "sqs:SendMessage": ALLOWED,
        "cloudformation:DeleteStack": EXPLICIT_DENY,
        "ec2:RunInstances": IMPLICIT_DENY,
    }


TAGGED_INVOKE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": "arn:aws:lambda:*:123456789012:function:*",
            "Condition": {"StringEquals": {"aws:ResourceTag/labkit:lab": ["LabColdStart"]}},
        }
    ],
}


def test_simulate_principal_policy_decides_conditions_on_the_context_entries(local_aws: LocalAws) -> None:
    iam = local_aws.session().client("iam")
    role = iam.create_role(RoleName="SimTagged", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    iam.put_role_policy(RoleName="SimTagged", PolicyName="tagged", PolicyDocument=json.dumps(TAGGED_INVOKE))
    function = "arn:aws:lambda:us-east-1:123456789012:function:alice-LabColdStart-Light"

    def decision(*tag: str) -> str:
        entries = (
            [
                {
                    "ContextKeyName": "aws:ResourceTag/labkit:lab",
                    "ContextKeyValues": list(tag),
                    "ContextKeyType": "string",
                }
            ]
            if tag
            else []
        )
        answer = iam.simulate_principal_policy(
            PolicySourceArn=role,
            ActionNames=["lambda:InvokeFunction"],
            ResourceArns=[function],
            ContextEntries=entries,
        )
        return str(answer["EvaluationResults"][0]["EvalDecision"])

    assert decision("LabColdStart") == ALLOWED
    assert decision("LabEc2") == IMPLICIT_DENY
    assert decision() == IMPLICIT_DENY  # no context: a conditional statement does not apply
