"""IAM parity fixes: a role's permissions boundary must be a managed policy that exists, and a CloudFormation
update of a role applies it (and the role's other properties) in place.

The IAM API reference lists NoSuchEntity ("referenced a resource entity that does not exist", HTTP 404) among
CreateRole's and PutRolePermissionsBoundary's errors; for a boundary, AWS words it "Scope ARN: <arn> does not
exist or is not attachable." (as quoted from real accounts in openshift/rosa's test cases and SAM users'
reports). So `cdk deploy -c permissionsBoundary=NoSuchPolicy` fails at the first role, on AWS and here.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import backend, moto_name, original, replace, replace_classmethod


def _aws_managed_arns() -> set[str]:
    """Every AWS managed policy moto knows, whether or not it loaded them into its backends."""
    data = json.loads(moto_name("iam.aws_managed_policies_data"))
    return {f"arn:aws:iam::aws:policy{policy.get('Path', '/')}{name}" for name, policy in data.items()}


def boundary_exists(backend: Any, arn: str, aws_managed: set[str]) -> bool:
    """Is `arn` a managed policy a boundary can name: one of this account's, or one of AWS's?"""
    return arn in backend.managed_policies or arn in aws_managed


@parity_fix(
    "a permissions boundary must exist",
    moto_does="accepts any well-formed policy ARN as a role's permissions boundary, so a role bounded by a "
    "policy that does not exist is created",
    aws_does="refuses CreateRole and PutRolePermissionsBoundary with NoSuchEntity (404) 'Scope ARN: <arn> "
    "does not exist or is not attachable.' unless the boundary is an existing customer or AWS managed policy",
)
def permissions_boundary_must_exist() -> None:
    """Patches moto: a permissions boundary must exist."""
    backend_class = moto_name("iam.IAMBackend")
    no_such_entity = moto_name("iam.NoSuchEntity")
    aws_managed = _aws_managed_arns()
    original_create_role = original(backend_class, "create_role")
    original_put_boundary = original(backend_class, "put_role_permissions_boundary")

    def refuse_missing(backend: Any, arn: str | None) -> None:
        if arn and backend.policy_arn_regex.match(arn) and not boundary_exists(backend, arn, aws_managed):
            raise no_such_entity(f"Scope ARN: {arn} does not exist or is not attachable.")

    @functools.wraps(original_create_role)
    def create_role(self: Any, *args: Any, **kwargs: Any) -> Any:
        boundary = kwargs.get("permissions_boundary", args[3] if len(args) > 3 else None)
        refuse_missing(self, boundary)
        return original_create_role(self, *args, **kwargs)

    @functools.wraps(original_put_boundary)
    def put_role_permissions_boundary(self: Any, role_name: str, permissions_boundary: str) -> None:
        refuse_missing(self, permissions_boundary)
        original_put_boundary(self, role_name, permissions_boundary)

    replace(backend_class, "create_role", create_role)
    replace(backend_class, "put_role_permissions_boundary", put_role_permissions_boundary)


def _document(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@parity_fix(
    "a role's update applies its permissions boundary",
    moto_does="updates only a role's description and session duration when its stack is updated (the latter "
    "read from the wrong property), so a permissions boundary added, changed or removed by a redeploy is "
    "ignored, one that does not exist is accepted, and a new trust or inline policy never reaches the role",
    aws_does="updates the role in place: PutRolePermissionsBoundary for a boundary added or changed "
    "(NoSuchEntity for a policy that does not exist: the resource's update fails and the stack rolls back), "
    "DeleteRolePermissionsBoundary for one removed, and the trust policy, inline policies, description and "
    "maximum session duration as the template now says (AWS::IAM::Role reference: each updates with no "
    "interruption)",
    after=("iam.permissions_boundary_must_exist",),
)
def role_update_applies_its_boundary() -> None:
    """Patches moto: a role's update applies its permissions boundary."""
    role_class = moto_name("iam.Role")

    def update(
        cls: Any,
        *,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        iam, role = backend("iam", account_id, region_name), original_resource
        properties = cloudformation_json.get("Properties", {})
        boundary = properties.get("PermissionsBoundary")
        # the boundary first: a refused one leaves the role as it was
        if boundary and boundary != role.permissions_boundary_arn:
            iam.put_role_permissions_boundary(role.name, boundary)
        elif not boundary and role.permissions_boundary_arn:
            iam.delete_role_permissions_boundary(role.name)
        if "AssumeRolePolicyDocument" in properties:
            role.assume_role_policy_document = _document(properties["AssumeRolePolicyDocument"])
        # put only: moto keeps the stack's AWS::IAM::Policy resources among the role's own inline policies
        for policy in properties.get("Policies", []):
            iam.put_role_policy(role.name, policy["PolicyName"], _document(policy["PolicyDocument"]))
        role.description = properties.get("Description", "")
        role.max_session_duration = properties.get("MaxSessionDuration", 3600)
        return role

    replace_classmethod(role_class, "update_from_cloudformation_json", update)


FIXES: tuple[ParityFix, ...] = (permissions_boundary_must_exist, role_update_applies_its_boundary)
