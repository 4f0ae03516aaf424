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

# What each AWS managed policy a lab's role may attach (a role's ManagedPolicyArns) allows, by its name after
# `arn:<partition>:iam::aws:policy/`: the boundary caps these actions too, so preflight simulates them. From
# the AWS Managed Policy Reference (docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html), the
# default version named; a policy not listed here is named as not simulated, never taken as allowed.
AWS_MANAGED_POLICY_ACTIONS: dict[str, tuple[str, ...]] = {
    # v3 (default), edited 2024-01-05: a function in a VPC (Lambda creates its network interfaces with it)
    "service-role/AWSLambdaVPCAccessExecutionRole": (
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
    ),
    # v2 (default), edited 2019-05-23: an instance that Session Manager reaches (no SSH)
    "AmazonSSMManagedInstanceCore": (
        "ssm:DescribeAssociation",
        "ssm:GetDeployablePatchSnapshotForInstance",
        "ssm:GetDocument",
        "ssm:DescribeDocument",
        "ssm:GetManifest",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:ListAssociations",
        "ssm:ListInstanceAssociations",
        "ssm:PutInventory",
        "ssm:PutComplianceItems",
        "ssm:PutConfigurePackageResult",
        "ssm:UpdateAssociationStatus",
        "ssm:UpdateInstanceAssociationStatus",
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
    ),
}
