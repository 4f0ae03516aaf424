"""What Auto Scaling needs of the account before the first group launches: its service-linked role, and the
use of the default EBS key when that key is a customer managed one.

Both are read without changing anything: `iam:GetRole` for the role, `ec2:GetEbsEncryptionByDefault` and
`ec2:GetEbsDefaultKmsKeyId` for the key, `kms:DescribeKey` and `kms:GetKeyPolicy` for its policy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.catalogue.autoscaling import AUTO_SCALING_GROUP
from labs.catalogue.batch import COMPUTE_ENVIRONMENT
from labs.deployed.session import error_code
from labs.preflight.results import CANNOT_TELL, FAIL, OK, Line, unreadable

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_iam import IAMClient

AUTO_SCALING_ROLE = "AWSServiceRoleForAutoScaling"
AUTO_SCALING_SERVICE = "autoscaling.amazonaws.com"
# EC2 Auto Scaling user guide, "Required AWS KMS key policy for use with encrypted volumes": two statements
KEY_USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
KEY_GRANT_ACTION = "kms:CreateGrant"
ASK_PLATFORM = "ask your platform team"


def has_auto_scaling_group(template: Mapping[str, Any]) -> bool:
    """True for a lab whose template creates an Auto Scaling group."""
    return any(r.get("Type") == AUTO_SCALING_GROUP.cfn_type for r in template.get("Resources", {}).values())


def auto_scaling_role_arn(account: str, partition: str = "aws") -> str:
    """The ARN of Auto Scaling's service-linked role in the account."""
    return f"arn:{partition}:iam::{account}:role/aws-service-role/{AUTO_SCALING_SERVICE}/{AUTO_SCALING_ROLE}"


@dataclass(frozen=True, kw_only=True)
class LinkedRole:
    """A service's service-linked role, which the service's first resource in an account creates."""

    service: str
    role: str
    # the service in words, what first creates the role, and what the role lets the service do
    label: str
    created_by: str
    enables: str


AUTO_SCALING = LinkedRole(
    service=AUTO_SCALING_SERVICE,
    role=AUTO_SCALING_ROLE,
    label="Auto Scaling",
    created_by="the first Auto Scaling group",
    enables="Auto Scaling can launch the group's instances",
)
# a compute environment without a service role acts through it (Batch user guide, using service-linked roles)
BATCH = LinkedRole(
    service="batch.amazonaws.com",
    role="AWSServiceRoleForBatch",
    label="Batch",
    created_by="the first compute environment without a service role",
    enables="Batch can manage the compute environment's Fargate tasks and network interfaces",
)


def service_linked_role_line(iam: IAMClient, linked: LinkedRole = AUTO_SCALING) -> Line:
    """The service-linked role exists; if not, the service's first resource creates it, and an organisation
    rule "deny iam:* unless the boundary is set" blocks that unless it exempts CreateServiceLinkedRole."""
    check = f"{linked.label} service-linked role {linked.role} exists"
    try:
        iam.get_role(RoleName=linked.role)
    except ClientError as error:
        if error_code(error) != "NoSuchEntity":
            return unreadable(check, error, fix="allow iam:GetRole to see more")
        return Line(
            check=check,
            status=CANNOT_TELL,
            detail=f"not yet: {linked.created_by} creates it with iam:CreateServiceLinkedRole, "
            "which an organisation rule denying iam:* without a boundary blocks (such a role takes none)",
            fix=f"aws iam create-service-linked-role --aws-service-name {linked.service} "
            f"(or {ASK_PLATFORM} to exempt iam:CreateServiceLinkedRole)",
        )
    return Line(check=check, status=OK, detail=linked.enables)


def uses_batch_service_linked_role(template: Mapping[str, Any]) -> bool:
    """True for a lab whose template has a Batch compute environment that names no service role."""
    return any(
        r.get("Type") == COMPUTE_ENVIRONMENT.cfn_type and not r.get("Properties", {}).get("ServiceRole")
        for r in template.get("Resources", {}).values()
    )


def default_ebs_key_line(ec2: EC2Client, kms: Any, *, account: str) -> Line:
    """The key the labs' encrypted volumes get (they name none) lets Auto Scaling's role use it.

    `kms` is a boto3 KMS client (Any: the kit pins no mypy_boto3_kms stubs)."""
    check = "the default EBS key lets Auto Scaling launch encrypted volumes"
    try:
        by_default = ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
        key_id = ec2.get_ebs_default_kms_key_id()["KmsKeyId"]
    except ClientError as error:
        fix = "allow ec2:GetEbsEncryptionByDefault and ec2:GetEbsDefaultKmsKeyId"
        return unreadable(check, error, fix=fix)
    except NotImplementedError:  # moto in-process, without the emulator's parity fix
        return Line(check=check, status=CANNOT_TELL, detail="this endpoint cannot read the default EBS key")
    setting = f"encryption by default {'on' if by_default else 'off'}, key {key_id}"
    if key_id.endswith("alias/aws/ebs"):
        return Line(check=check, status=OK, detail=f"{setting}: the AWS managed key needs no grant")
    try:
        return _key_policy_line(kms, key_id, check=check, setting=setting, account=account)
    except ClientError as error:
        return unreadable(check, error, fix="allow kms:DescribeKey and kms:GetKeyPolicy on the default key")


def _key_policy_line(kms: Any, key_id: str, *, check: str, setting: str, account: str) -> Line:
    key = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    if key.get("KeyManager") == "AWS":
        return Line(check=check, status=OK, detail=f"{setting}: an AWS managed key needs no grant")
    policy = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]
    missing = missing_key_permissions(json.loads(policy), auto_scaling_role_arn(account))
    if not missing:
        return Line(check=check, status=OK, detail=f"{setting}: its policy lets {AUTO_SCALING_ROLE} use it")
    return Line(
        check=check,
        status=FAIL,
        detail=f"{setting}, a customer managed key whose policy does not let {AUTO_SCALING_ROLE} "
        f"{', '.join(missing)}: the group's launches fail with Client.InternalError",
        fix=f"{ASK_PLATFORM} to add the EC2 Auto Scaling guide's two key-policy statements (key use, and "
        "kms:CreateGrant when kms:GrantIsForAWSResource) for the service-linked role",
    )


def missing_key_permissions(policy: Mapping[str, Any], role_arn: str) -> list[str]:
    """The documented actions the key policy does not allow the role (an Allow naming it, or the account)."""
    allowed: set[str] = set()
    for statement in _as_list(policy.get("Statement", [])):
        if statement.get("Effect") != "Allow" or not _names(statement.get("Principal"), role_arn):
            continue
        actions = {str(a) for a in _as_list(statement.get("Action", []))}
        if "kms:*" in actions:
            return []
        allowed |= actions
    wanted = [*KEY_USE_ACTIONS, KEY_GRANT_ACTION]
    return [action for action in wanted if action not in allowed]


def _names(principal: Any, role_arn: str) -> bool:
    if principal == "*":
        return True
    values = _as_list(principal.get("AWS", [])) if isinstance(principal, dict) else []
    return role_arn in values or "*" in values


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
