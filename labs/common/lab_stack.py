"""The base of every lab stack: name, tags, outputs and auto-expiry, the same way in all four labs."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from labs.common.expiry import StackExpiry
from labs.settings import LabSettings

TAG_LAB = "labkit:lab"
TAG_OWNER = "labkit:owner"
TAG_EXPIRES = "labkit:expires-at"


class LabStack(Stack):
    """A lab: construct id `lab_id` (so `cdk deploy LabEc2` works), stack name `<owner>-<lab_id>`."""

    def __init__(self, scope: Construct, lab_id: str, *, settings: LabSettings, description: str) -> None:
        super().__init__(
            scope,
            lab_id,
            stack_name=settings.stack_name(lab_id),
            description=f"labkit {lab_id}: {description}",
            termination_protection=False,
        )
        self.lab_id = lab_id
        self.settings = settings
        Tags.of(self).add(TAG_LAB, lab_id)
        Tags.of(self).add(TAG_OWNER, settings.owner_tag)
        expires_at = settings.expires_at
        self.expiry = StackExpiry(self, "Expiry", expires_at=expires_at) if expires_at else None
        if expires_at:
            Tags.of(self).add(TAG_EXPIRES, f"{expires_at:%Y-%m-%dT%H:%MZ}")
        self.output(
            "ExpiresAt",
            f"{expires_at:%Y-%m-%dT%H:%M}Z" if expires_at else "never (ttlHours=0)",
            "When the lab deletes itself (UTC); `cdk destroy` any time before",
        )

    def output(self, name: str, value: str, description: str) -> CfnOutput:
        return CfnOutput(self, name, value=value, description=description)
