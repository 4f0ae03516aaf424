"""The base of every lab stack: name, tags, outputs and auto-expiry, the same way in all four labs."""

from __future__ import annotations

from aws_cdk import Annotations, CfnOutput, Stack, Tags
from aws_cdk import aws_iam as iam
from constructs import Construct

from labs.constructs.expiry import StackExpiry
from labs.handler_code import accepts_handler_code, ignored_handler_code
from labs.settings import LabSettings
from labs.shared_facts import EXPIRY_ID, TAG_EXPIRES, TAG_LAB, TAG_OWNER, expires_tag


class LabStack(Stack):
    """A lab: construct id `lab_id` (so `cdk deploy <Lab>` works), stack name `<owner>-<lab_id>`.

    A learner's own stack of the lab passes `construct_id` (`My<Lab>`): named after it, tagged as the lab.
    A lab that runs the learner's handler (`-c handlerCode`) is refused here when that folder cannot be used.
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
        # a class's required tags (classTags) go wherever the kit's own labkit:* tags go
        tags = {**dict(settings.class_tags), TAG_LAB: lab_id, TAG_OWNER: settings.owner_tag}
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
        # here, not in each lab: a lab that runs the learner's handler never deploys the kit's code instead
        if settings.handler_code_error and accepts_handler_code(lab_id):
            Annotations.of(self).add_error(f"{settings.handler_code_error}. Fix it and deploy again.")
        elif (settings.handler_code or settings.handler_code_error) and not accepts_handler_code(lab_id):
            Annotations.of(self).add_warning_v2("labkit:handler-code-ignored", ignored_handler_code(lab_id))
        for key, value in tags.items():
            # also in the template, on every taggable resource (readable where stack tags are not, e.g. moto);
            # the expiry time only on the stack and its schedule: on resources each redeploy re-tagged all
            if key != TAG_EXPIRES:
                Tags.of(self).add(key, value)
        if settings.permissions_boundary:
            self.apply_permissions_boundary(settings.permissions_boundary)
        self.expiry = StackExpiry(self, EXPIRY_ID, expires_at=expires_at) if expires_at else None
        self.output(
            "ExpiresAt",
            f"{expires_at:%Y-%m-%dT%H:%M}Z" if expires_at else "never (ttlHours=0)",
            "When the lab deletes itself (UTC); `cdk destroy` any time before",
        )

    def apply_permissions_boundary(self, policy: str) -> None:
        """Every IAM role of this stack, whoever creates it, carries the landing zone's boundary policy."""
        boundary = (
            iam.ManagedPolicy.from_managed_policy_arn(self, "PermissionsBoundary", policy)
            if policy.startswith("arn:")
            else iam.ManagedPolicy.from_managed_policy_name(self, "PermissionsBoundary", policy)
        )
        iam.PermissionsBoundary.of(self).apply(boundary)

    def output(self, name: str, value: str, description: str) -> CfnOutput:
        """A stack output, which checks and learners read."""
        return CfnOutput(self, name, value=value, description=description)
