"""The demo inside a landing zone: context passed to synth, the platform team's bootstrap and boundary.

`labkit demo -c permissionsBoundary=LabBoundary -c @aws-cdk/core:bootstrapQualifier=lz01
--toolkit-stack-name LzToolkit` rehearses what a learner meets in such an account: the emulator gets the
boundary policy the platform team would have created, the bootstrap gets that qualifier and stack name,
and a lab whose roles do not all carry the boundary fails its deploy step.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labs.catalogue.iam import ROLE
from labs.demo.runs import StepError
from labs.deployed.bootstrap import Bootstrap, boundary_options, boundary_path, context_options
from labs.settings import parse_permissions_boundary

if TYPE_CHECKING:
    import boto3

# a platform team's boundary lets lab roles do what their own policies allow, but never touch IAM users
BOUNDARY_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"},
    ],
}


@dataclass(frozen=True, kw_only=True)
class LandingZone:
    """The context and CDK bootstrap a rehearsal deploys with."""

    context: dict[str, str] = field(default_factory=dict)
    bootstrap: Bootstrap = field(default_factory=Bootstrap.configured)
    boundary: str | None = None

    @classmethod
    def from_options(cls, context: Sequence[str], *, toolkit_stack_name: str | None = None) -> LandingZone:
        """The landing zone of the command line's context options."""
        overrides = context_options(context)
        return cls(
            context=overrides,
            bootstrap=Bootstrap.configured(overrides, toolkit_stack_name=toolkit_stack_name),
            boundary=parse_permissions_boundary(overrides.get("permissionsBoundary")),
        )

    def synth_args(self) -> list[str]:
        """The `cdk synth` arguments that pass the context."""
        return [argument for key, value in self.context.items() for argument in ("-c", f"{key}={value}")]

    def bootstrap_args(self) -> list[str]:
        """The platform team's bootstrap: its qualifier and stack name, its roles under the boundary too."""
        return [*self.bootstrap.cli_options(), *boundary_options(self.boundary)]

    def deploy_args(self) -> list[str]:
        """The `cdk deploy` arguments that name the toolkit stack."""
        return ["--toolkit-stack-name", self.bootstrap.toolkit_stack_name]

    @property
    def boundary_path(self) -> str:
        """`lz/LabBoundary` for arn:aws:iam::111111111111:policy/lz/LabBoundary, the name for a name."""
        return boundary_path(self.boundary or "")

    @property
    def boundary_name(self) -> str:
        return self.boundary_path.rsplit("/", 1)[-1]

    def prepare(self, session: boto3.Session) -> None:
        """Create the boundary policy, as the platform team would have, before anything uses it."""
        if not self.boundary:
            return
        folders = self.boundary_path.rsplit("/", 1)[0] if "/" in self.boundary_path else ""
        session.client("iam").create_policy(
            PolicyName=self.boundary_name,
            Path=f"/{folders}/" if folders else "/",
            PolicyDocument=json.dumps(BOUNDARY_DOCUMENT),
        )

    def require_bootstrap(self, session: boto3.Session) -> None:
        """On a real account the demo bootstraps nothing: the toolkit stack must already be there."""
        name = self.bootstrap.toolkit_stack_name
        try:
            stacks = session.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
        except Exception:  # ValidationError: no such stack
            stacks = []
        if not stacks or stacks[0]["StackStatus"] not in {"CREATE_COMPLETE", "UPDATE_COMPLETE"}:
            raise StepError(
                f"the account has no CDK bootstrap stack {name}: run `cdk bootstrap` (or ask the platform "
                "team for it, with `labkit preflight` naming the qualifier), then rerun the demo"
            )

    def verify(self, session: boto3.Session, stack_name: str) -> None:
        """Every role the deployed stack created carries the boundary; a StepError names those that do not."""
        if not self.boundary:
            return
        iam = session.client("iam")
        resources = session.client("cloudformation").list_stack_resources(StackName=stack_name)
        roles = [
            r["PhysicalResourceId"]
            for r in resources["StackResourceSummaries"]
            if r["ResourceType"] == ROLE.cfn_type
        ]
        wanted = f":policy/{self.boundary_path}"
        unbounded = [
            role for role in roles if not _boundary_of(iam.get_role(RoleName=role)["Role"]).endswith(wanted)
        ]
        if unbounded or not roles:
            raise StepError(
                f"{stack_name}: {len(unbounded)} of {len(roles)} role(s) lack the boundary "
                f"{self.boundary}: {', '.join(unbounded) or 'no role found'}"
            )


def _boundary_of(role: Mapping[str, Any]) -> str:
    return str(role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn", ""))
