"""STS parity fix: AssumeRole needs the role to exist and its trust policy to allow the caller, as AWS does;
and the keys the emulator issued (AssumeRole sessions, IAM users' access keys), which it accepts beside the
run's own.

A class across accounts reaches each learner through a role in the learner's account (one that trusts only
the teacher's named principals with the class's external id and a source identity); a learner whose role
is missing, or trusts someone else, must show up as "cannot be assumed" offline too, not as a reachable
account.
"""

from __future__ import annotations

import re
from typing import Any

from local_aws.access import IssuedKey
from local_aws.fixes import EmulatorGap, ParityFix, parity_fix
from local_aws.moto_bridge import backend, backends, moto_name, original, replace, request_param
from local_aws.services.iam.policy import trust_refuses

_ROLE_ACCOUNT = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/")


@parity_fix(
    "AssumeRole needs the role to exist and to trust the caller",
    moto_does="hands out credentials for any role ARN, in any account, whether or not the role exists or "
    "its trust policy names the caller, whatever ExternalId and SourceIdentity are given",
    aws_does='answers AccessDenied ("User: ... is not authorized to perform: sts:AssumeRole on resource: '
    '<role ARN>") when the role does not exist in its account, or when its trust policy does not allow the '
    "caller sts:AssumeRole (its principal, its conditions on sts:ExternalId and sts:SourceIdentity), and "
    "for sts:SetSourceIdentity when a SourceIdentity is given (STS API reference, AssumeRole: Errors; IAM "
    "guide, troubleshooting assume role; monitor and control actions taken with assumed roles)",
)
def assume_role_needs_the_role() -> None:
    """Patches moto: AssumeRole needs the role to exist and to trust the caller."""
    response_class = moto_name("sts.TokenResponse")
    original_assume_role = original(response_class, "assume_role")

    def assume_role(self: Any) -> Any:
        role_arn = str(request_param(self, "RoleArn") or "")
        match = _ROLE_ACCOUNT.match(role_arn)
        account = match.group(1) if match else self.current_account
        iam = backend("iam", account, self.region)
        _, caller, caller_account = self.backend.get_caller_identity(self.get_access_key(), self.region)
        access_denied = moto_name("core.AccessDeniedError")
        role = next((role for role in iam.get_roles() if role.arn == role_arn), None)
        if role is None:
            raise access_denied(caller, f"sts:AssumeRole on resource: {role_arn}")
        external_id, source = request_param(self, "ExternalId"), request_param(self, "SourceIdentity")
        context = {
            "aws:PrincipalArn": [caller],
            "aws:PrincipalAccount": [caller_account],
            **({"sts:ExternalId": [external_id]} if external_id else {}),
            **({"sts:SourceIdentity": [source]} if source else {}),
        }
        refused = trust_refuses(
            role,
            caller_arn=caller,
            caller_account=caller_account,
            actions=("sts:AssumeRole", *(("sts:SetSourceIdentity",) if source else ())),
            context=context,
        )
        if refused:
            raise access_denied(caller, f"{refused} on resource: {role_arn}")
        return original_assume_role(self)

    replace(response_class, "assume_role", assume_role)


def issued_key(access_key_id: str) -> IssuedKey | None:
    """The secret (and session token, expiry) of a key this emulator issued, in any account: an AssumeRole
    session's (the CDK CLI's deploy role, a function's execution role, a teacher's learner role), or an active
    access key of an IAM user; None for a key it never issued."""
    for account in list(backends("sts").values()):
        for sts in list(account.values()):
            for role in list(sts.assumed_roles):
                if role.access_key_id == access_key_id:
                    return IssuedKey(role.secret_access_key, role.session_token, role.expiration)
    for account in list(backends("iam").values()):
        for iam in list(account.values()):
            for user in list(iam.users.values()):
                for key in user.access_keys:
                    if key.access_key_id == access_key_id and key.status == "Active":
                        return IssuedKey(key.secret_access_key)
    return None


FIXES: tuple[ParityFix, ...] = (assume_role_needs_the_role,)
GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "GetSessionToken and GetFederationToken credentials",
        "moto answers both with the same example key for everyone (AKIAIOSFODNN7EXAMPLE), so the emulator, "
        "which accepts only the keys it issued itself, refuses requests signed with it; use AssumeRole",
    ),
)
