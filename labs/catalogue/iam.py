"""AWS IAM's types: roles, their policies and instance profiles (IAM bills nothing)."""

from __future__ import annotations

from labs.catalogue.entry import Free, Leftovers, ResourceType
from labs.catalogue.reading import names, probe

ROLE = ResourceType(
    cfn_type="AWS::IAM::Role",
    price=Free(),
    deploy_actions=(
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:TagRole",
        "iam:UpdateRoleDescription",
        "iam:PutRolePermissionsBoundary",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
    ),
    leftovers=Leftovers(
        tag_arn="iam:role",
        names=names("iam", "list_roles", "Roles", "RoleName"),
        exists=probe("iam", "get_role", "RoleName"),
    ),
)
POLICY = ResourceType(
    cfn_type="AWS::IAM::Policy",
    price=Free(),
    deploy_actions=("iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:GetRolePolicy"),
    leftovers=Leftovers(goes_with="an inline policy of its role, deleted with it"),
    tagged=False,
)
MANAGED_POLICY = ResourceType(
    cfn_type="AWS::IAM::ManagedPolicy",
    price=Free(),
    deploy_actions=(
        "iam:CreatePolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:GetPolicy",
        "iam:ListPolicyVersions",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
    ),
    leftovers=Leftovers(tag_arn="iam:policy"),
)
INSTANCE_PROFILE = ResourceType(
    cfn_type="AWS::IAM::InstanceProfile",
    price=Free(),
    deploy_actions=(
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:GetInstanceProfile",
        "iam:PassRole",
    ),
    leftovers=Leftovers(
        names=names("iam", "list_instance_profiles", "InstanceProfiles", "InstanceProfileName")
    ),
    # the template type takes no tags
    tagged=False,
)
