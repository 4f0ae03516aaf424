"""EC2 parity fix: the account's default EBS key can be read back, as preflight reads it."""

from __future__ import annotations

from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import moto_name, replace

# what GetEbsDefaultKmsKeyId answers in an account that never chose a key (EC2 API reference)
AWS_MANAGED_EBS_KEY = "alias/aws/ebs"


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
        return action_result({"KmsKeyId": self.ec2_backend.default_kms_key_id or AWS_MANAGED_EBS_KEY})

    replace(responses, "get_ebs_default_kms_key_id", answer)


FIXES: tuple[ParityFix, ...] = (get_ebs_default_kms_key_id,)
