"""What a permissions boundary must allow for the labs: one list, simulated by preflight, shown in the README.

Two kinds of caller carry the boundary. The lab's own roles (the expiry's, the cleaner's, the functions',
the instances', the state machine's) need what their policies in the template grant. The bootstrap's
CloudFormation execution role, bounded by `cdk bootstrap --custom-permissions-boundary`, needs the API calls
CloudFormation makes to create, update and delete each resource type the template holds: that table is
here, from the handlers' permissions in each type's CloudFormation resource schema (the
`handlers.create/update/delete.permissions` of `aws cloudformation describe-type`), cut to the calls
the labs' properties use. Importing this module costs nothing: no CDK, no boto3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# resource type -> the API calls CloudFormation makes for it (create, update, delete, and the reads between)
CLOUDFORMATION_ACTIONS: dict[str, tuple[str, ...]] = {
    "AWS::AutoScaling::AutoScalingGroup": (
        "autoscaling:CreateAutoScalingGroup",
        "autoscaling:UpdateAutoScalingGroup",
        "autoscaling:DeleteAutoScalingGroup",
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:CreateOrUpdateTags",
        "ec2:RunInstances",
        "ec2:CreateTags",
        "iam:CreateServiceLinkedRole",
        "iam:PassRole",
    ),
    "AWS::DynamoDB::Table": (
        "dynamodb:CreateTable",
        "dynamodb:UpdateTable",
        "dynamodb:DeleteTable",
        "dynamodb:DescribeTable",
        "dynamodb:TagResource",
        "dynamodb:UpdateContinuousBackups",
        "dynamodb:DescribeContinuousBackups",
    ),
    "AWS::EC2::EIP": (
        "ec2:AllocateAddress",
        "ec2:ReleaseAddress",
        "ec2:AssociateAddress",
        "ec2:DisassociateAddress",
        "ec2:DescribeAddresses",
        "ec2:CreateTags",
    ),
    "AWS::EC2::Instance": (
        "ec2:RunInstances",
        "ec2:TerminateInstances",
        "ec2:DescribeInstances",
        "ec2:ModifyInstanceAttribute",
        "ec2:CreateTags",
        "iam:PassRole",
        "ssm:GetParameters",
    ),
    "AWS::EC2::InternetGateway": (
        "ec2:CreateInternetGateway",
        "ec2:DeleteInternetGateway",
        "ec2:DescribeInternetGateways",
        "ec2:CreateTags",
    ),
    "AWS::EC2::LaunchTemplate": (
        "ec2:CreateLaunchTemplate",
        "ec2:CreateLaunchTemplateVersion",
        "ec2:DeleteLaunchTemplate",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:CreateTags",
        "ssm:GetParameters",
    ),
    "AWS::EC2::Route": ("ec2:CreateRoute", "ec2:DeleteRoute", "ec2:DescribeRouteTables"),
    "AWS::EC2::RouteTable": (
        "ec2:CreateRouteTable",
        "ec2:DeleteRouteTable",
        "ec2:DescribeRouteTables",
        "ec2:CreateTags",
    ),
    "AWS::EC2::SecurityGroup": (
        "ec2:CreateSecurityGroup",
        "ec2:DeleteSecurityGroup",
        "ec2:DescribeSecurityGroups",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:CreateTags",
    ),
    "AWS::EC2::Subnet": (
        "ec2:CreateSubnet",
        "ec2:DeleteSubnet",
        "ec2:DescribeSubnets",
        "ec2:ModifySubnetAttribute",
        "ec2:CreateTags",
    ),
    "AWS::EC2::SubnetRouteTableAssociation": ("ec2:AssociateRouteTable", "ec2:DisassociateRouteTable"),
    "AWS::EC2::VPC": (
        "ec2:CreateVpc",
        "ec2:DeleteVpc",
        "ec2:DescribeVpcs",
        "ec2:ModifyVpcAttribute",
        "ec2:CreateTags",
    ),
    "AWS::EC2::VPCGatewayAttachment": ("ec2:AttachInternetGateway", "ec2:DetachInternetGateway"),
    "AWS::IAM::InstanceProfile": (
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:GetInstanceProfile",
        "iam:PassRole",
    ),
    "AWS::IAM::Policy": ("iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:GetRolePolicy"),
    "AWS::IAM::Role": (
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:TagRole",
        "iam:UpdateRoleDescription",
        "iam:PutRolePermissionsBoundary",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
    ),
    "AWS::Lambda::EventSourceMapping": (
        "lambda:CreateEventSourceMapping",
        "lambda:UpdateEventSourceMapping",
        "lambda:DeleteEventSourceMapping",
        "lambda:GetEventSourceMapping",
    ),
    "AWS::Lambda::Function": (
        "lambda:CreateFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:DeleteFunction",
        "lambda:GetFunction",
        "lambda:GetLayerVersion",
        "lambda:TagResource",
        "lambda:InvokeFunction",
        "iam:PassRole",
        "s3:GetObject",
    ),
    # the cold-start lab: a published version and alias `live`, with provisioned concurrency when asked
    "AWS::Lambda::Version": (
        "lambda:PublishVersion",
        "lambda:GetFunctionConfiguration",
        "lambda:ListVersionsByFunction",
        "lambda:DeleteFunction",
    ),
    "AWS::Lambda::Alias": (
        "lambda:CreateAlias",
        "lambda:UpdateAlias",
        "lambda:DeleteAlias",
        "lambda:GetAlias",
        "lambda:PutProvisionedConcurrencyConfig",
        "lambda:GetProvisionedConcurrencyConfig",
        "lambda:DeleteProvisionedConcurrencyConfig",
    ),
    # the Spot lab: its events' rule, the rule's permission to invoke the event filter, the FIS template
    "AWS::Events::Rule": (
        "events:PutRule",
        "events:DescribeRule",
        "events:PutTargets",
        "events:ListTargetsByRule",
        "events:RemoveTargets",
        "events:DeleteRule",
    ),
    "AWS::Lambda::Permission": ("lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"),
    "AWS::FIS::ExperimentTemplate": (
        "fis:CreateExperimentTemplate",
        "fis:UpdateExperimentTemplate",
        "fis:GetExperimentTemplate",
        "fis:DeleteExperimentTemplate",
        "fis:TagResource",
        "iam:PassRole",
    ),
    "AWS::Logs::LogGroup": (
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DescribeLogGroups",
        "logs:TagResource",
    ),
    "AWS::S3::Bucket": (
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:PutEncryptionConfiguration",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketOwnershipControls",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketNotification",
        "s3:PutBucketTagging",
    ),
    "AWS::S3::BucketPolicy": ("s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:GetBucketPolicy"),
    "AWS::SQS::Queue": (
        "sqs:CreateQueue",
        "sqs:DeleteQueue",
        "sqs:GetQueueAttributes",
        "sqs:SetQueueAttributes",
        "sqs:TagQueue",
    ),
    "AWS::SQS::QueuePolicy": ("sqs:SetQueueAttributes", "sqs:GetQueueAttributes"),
    "AWS::Scheduler::Schedule": (
        "scheduler:CreateSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
        "iam:PassRole",
    ),
    "AWS::StepFunctions::StateMachine": (
        "states:CreateStateMachine",
        "states:UpdateStateMachine",
        "states:DeleteStateMachine",
        "states:DescribeStateMachine",
        "states:TagResource",
        "iam:PassRole",
    ),
    # CloudFormation invokes the custom resource's function itself
    "Custom::EmptyBucketOnDelete": ("lambda:InvokeFunction",),
}
# what every deploy does: read the bootstrap version and the public AMI parameters, resolve Fn::GetAZs
EVERY_STACK = ("ssm:GetParameters", "ec2:DescribeAvailabilityZones", "ec2:DescribeAccountAttributes")


class UnknownResourceTypeError(ValueError):
    """A template holds a resource type the table does not know: add its actions to CLOUDFORMATION_ACTIONS."""


def role_policy_actions(template: Mapping[str, Any]) -> set[str]:
    """Every action the template's role policies grant (the lab's roles carry the boundary too)."""
    found: set[str] = set()
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        documents = []
        if resource.get("Type") == "AWS::IAM::Policy":
            documents.append(properties.get("PolicyDocument", {}))
        if resource.get("Type") == "AWS::IAM::Role":
            documents += [policy.get("PolicyDocument", {}) for policy in properties.get("Policies", [])]
        for document in documents:
            for statement in _as_list(document.get("Statement", [])):
                if statement.get("Effect") == "Allow":
                    found.update(str(action) for action in _as_list(statement.get("Action", [])))
    # a wildcard is not an action the simulator can answer for
    return {action for action in found if "*" not in action}


def execution_role_actions(template: Mapping[str, Any]) -> set[str]:
    """What CloudFormation, as the bootstrap's execution role, calls for this template's resource types."""
    types = {str(resource.get("Type")) for resource in template.get("Resources", {}).values()}
    types.discard("AWS::CDK::Metadata")
    unknown = sorted(t for t in types if t not in CLOUDFORMATION_ACTIONS)
    if unknown:
        raise UnknownResourceTypeError(f"no CloudFormation actions known for {', '.join(unknown)}")
    return {action for t in types for action in CLOUDFORMATION_ACTIONS[t]} | set(EVERY_STACK)


def lab_actions(template: Mapping[str, Any]) -> list[str]:
    """Every action a boundary must allow for this lab to deploy, run, expire and be destroyed."""
    return sorted(role_policy_actions(template) | execution_role_actions(template), key=str.lower)


def boundary_must_allow(templates: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """service prefix -> the actions of that service some lab needs (the README's list)."""
    by_service: dict[str, set[str]] = {}
    for template in templates.values():
        for action in lab_actions(template):
            service, _, name = action.partition(":")
            by_service.setdefault(service, set()).add(name)
    return {service: sorted(names) for service, names in sorted(by_service.items())}


def readme_list(templates: Mapping[str, Mapping[str, Any]]) -> str:
    """The README's block: a line per service, its actions in backticks."""
    return "\n".join(
        f"- `{service}`: " + ", ".join(f"`{name}`" for name in names)
        for service, names in boundary_must_allow(templates).items()
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
