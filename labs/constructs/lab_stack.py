"""The base of every lab stack: name, tags, outputs and auto-expiry, the same way in all four labs."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from labs.constructs.expiry import StackExpiry
from labs.contract import TAG_EXPIRES, TAG_LAB, TAG_OWNER, expires_tag
from labs.settings import LabSettings


class LabStack(Stack):
    """A lab: construct id `lab_id` (so `cdk deploy LabEc2` works), stack name `<owner>-<lab_id>`.

    A learner's own stack of the lab passes `construct_id` (`MyLabEc2`): named after it, tagged as the lab.
    """

    def __init__(
        self,
        scope: Construct,
        lab_id: str,
        *,
        settings: LabSettings,
        description: str,
        construct_id: str | None = None,
    ) -> None:
        expires_at = settings.expires_at
        tags = {TAG_LAB: lab_id, TAG_OWNER: settings.owner_tag}
        if expires_at:
            tags[TAG_EXPIRES] = expires_tag(expires_at)
        super().__init__(
            scope,
            construct_id or lab_id,
            stack_name=settings.stack_name(construct_id or lab_id),
            description=f"labkit {lab_id}: {description}",
            termination_protection=False,
            # stack tags, passed explicitly: with @aws-cdk/core:explicitStackTags, Tags.of(stack) skips them
            tags=tags,
        )
        self.lab_id = lab_id
        for key, value in tags.items():
            # also in the template, on every taggable resource (readable where stack tags are not, e.g. moto),
            # but not on launch templates: a new version on each deploy would replace the LabEc2 instance
            excluded = ["AWS::EC2::LaunchTemplate"] if key == TAG_EXPIRES else []
            Tags.of(self).add(key, value, exclude_resource_types=excluded)
        self.expiry = StackExpiry(self, "Expiry", expires_at=expires_at) if expires_at else None
        self.output(
            "ExpiresAt",
            f"{expires_at:%Y-%m-%dT%H:%M}Z" if expires_at else "never (ttlHours=0)",
            "When the lab deletes itself (UTC); `cdk destroy` any time before",
        )

    def output(self, name: str, value: str, description: str) -> CfnOutput:
        return CfnOutput(self, name, value=value, description=description)
