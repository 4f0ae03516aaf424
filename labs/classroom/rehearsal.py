"""A class across accounts rehearsed on the kit's emulator: learner accounts with the teacher's role in them.

The emulator keys all its state by account; a request acts in the account its access key belongs to, so
credentials from sts:AssumeRole into a learner account's role act there. Only the role itself must be made
by other means, as a sandbox solution makes it: an IAM call the emulator sends to that account (its
`x-moto-account-id` header), never to a real AWS.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

TEACHER_ROLE = "LabkitTeacher"
# the emulator's own header for "this request acts in that account"; AWS ignores it
_ACCOUNT_HEADER = "x-moto-account-id"


def trust_policy(teacher_account: str) -> str:
    """A role trust policy that lets principals of the teacher's account assume the role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{teacher_account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def create_learner_role(
    session: boto3.Session, account: str, *, teacher_account: str, role: str = TEACHER_ROLE
) -> str:
    """The teacher's role in a learner account of the emulator (administrator, as a sandbox's is); its ARN."""
    iam: Any = session.client("iam")

    def in_account(request: Any, **_: Any) -> None:
        request.headers[_ACCOUNT_HEADER] = account

    iam.meta.events.register("before-sign.iam.*", in_account)
    created = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust_policy(teacher_account))
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=role, PolicyName="teacher", PolicyDocument=json.dumps(everything))
    return str(created["Role"]["Arn"])


def learner_env(session: boto3.Session, role_arn: str, env: dict[str, str]) -> dict[str, str]:
    """`env` with credentials of the role: what a learner's CLI (cdk, aws) uses to act in their account."""
    credentials = session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="learner")[
        "Credentials"
    ]
    return {
        **env,
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }
