"""EBS default-key parity: once any lab has an encrypted volume, the account's default key is still the AWS
managed aws/ebs, which Auto Scaling may use with no grant: preflight's line passes, as on AWS (moto made it a
customer managed key with an empty policy, and class preflight reported a false blocker)."""

from __future__ import annotations

import boto3
import pytest

from labs.preflight.results import OK
from labs.preflight.service_roles import default_ebs_key_line

pytestmark = pytest.mark.emulator


def test_after_an_encrypted_volume_the_default_key_is_aws_managed_and_auto_scaling_may_use_it(
    session: boto3.Session,
) -> None:
    ec2, kms = session.client("ec2"), session.client("kms")
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, VolumeType="gp3", Encrypted=True)

    line = default_ebs_key_line(ec2, kms, account="123456789012")

    assert ec2.get_ebs_default_kms_key_id()["KmsKeyId"] == "alias/aws/ebs"
    assert kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["KeyManager"] == "AWS"
    assert line.status == OK, line.detail
    assert line.detail.endswith("the AWS managed key needs no grant")
