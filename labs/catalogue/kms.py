"""AWS KMS's customer managed key: a monthly fee, prorated by the hour, until it is deleted."""

from __future__ import annotations

from labs.catalogue.entry import Hourly, Leftovers, ResourceType
from labs.catalogue.reading import monthly_fee

KEY = ResourceType(
    cfn_type="AWS::KMS::Key",
    price=Hourly(monthly_fee("kms_key", "KMS customer managed key")),
    deploy_actions=(
        "kms:CreateKey",
        "kms:DescribeKey",
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
        "kms:EnableKeyRotation",
        "kms:TagResource",
    ),
    leftovers=Leftovers(tag_arn="kms:key"),
)
