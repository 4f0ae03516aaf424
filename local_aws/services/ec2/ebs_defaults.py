"""EC2 parity fixes: the account's default EBS key can be read back, as preflight reads it, and the key EBS
creates for the first encrypted volume is the AWS managed key aws/ebs, not a customer managed one."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import backend, moto_name, replace, wrap_private_method

# what GetEbsDefaultKmsKeyId answers in an account that never chose a key (EC2 API reference)
AWS_MANAGED_EBS_KEY = "alias/aws/ebs"
# KMS API reference, KeyMetadata.KeyManager: AWS for an AWS managed key, CUSTOMER for yours
AWS_MANAGER = "AWS"


def _is_aws_managed(ec2_backend: Any, key_arn: str) -> bool:
    kms = backend("kms", ec2_backend.account_id, ec2_backend.region_name)
    try:
        return bool(kms.describe_key(key_arn).key_manager == AWS_MANAGER)
    except Exception:  # a key deleted since: not the AWS managed one
        return False


@parity_fix(
    "GetEbsDefaultKmsKeyId",
    moto_does="stores the key ModifyEbsDefaultKmsKeyId sets but does not implement reading it back",
    aws_does="answers the account's default EBS key: the customer managed key set with "
    "ModifyEbsDefaultKmsKeyId, else alias/aws/ebs (EC2 API reference: GetEbsDefaultKmsKeyId)",
)
def get_ebs_default_kms_key_id() -> None:
    """Patches moto: GetEbsDefaultKmsKeyId."""
    responses = moto_name("ec2.ElasticBlockStore")
    action_result = moto_name("core.ActionResult")

    def answer(self: Any) -> Any:
        self.error_on_dryrun()
        chosen = self.ec2_backend.default_kms_key_id
        if not chosen or _is_aws_managed(self.ec2_backend, chosen):
            return action_result({"KmsKeyId": AWS_MANAGED_EBS_KEY})
        return action_result({"KmsKeyId": chosen})

    replace(responses, "get_ebs_default_kms_key_id", answer)


@parity_fix(
    "the default EBS key is AWS managed",
    moto_does="creates alias/aws/ebs for the first encrypted volume as a customer managed key with an empty "
    "policy and makes it the account's chosen default, so preflight saw a customer key Auto Scaling may not "
    "use as soon as any lab had an encrypted volume",
    aws_does="creates the AWS managed key aws/ebs (KeyManager AWS, usable by every principal of the account "
    "through EBS, no grant to add) and keeps answering alias/aws/ebs as the default (KMS developer guide: "
    "AWS managed keys; EBS user guide: encryption by default)",
)
def default_ebs_key_is_aws_managed() -> None:
    """Patches moto: the default EBS key is AWS managed."""

    def make(create_default: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(create_default)
        def create(self: Any) -> str:
            arn: str = create_default(self)
            backend("kms", self.account_id, self.region_name).describe_key(arn).key_manager = AWS_MANAGER
            return arn

        return create

    wrap_private_method(moto_name("ec2.EBSBackend"), "_create_default_encryption_key", make)


FIXES: tuple[ParityFix, ...] = (get_ebs_default_kms_key_id, default_ebs_key_is_aws_managed)
