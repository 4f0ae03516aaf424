"""What a landing zone decides for the account: the region, the bootstrap, the execution role, the boundary.

Each check makes one harmless read and turns AWS's answer into a preflight line with its fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from labs.deployed.bootstrap import QUALIFIER_CONTEXT, Bootstrap
from labs.deployed.session import error_code, error_text
from labs.preflight.results import CANNOT_TELL, FAIL, OK, Line, unreadable

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_ssm import SSMClient

ASK_PLATFORM = "ask your platform team"
# what AWS answers in a region the account has not enabled (an opt-in region)
_REGION_DISABLED = frozenset(
    {"AuthFailure", "OptInRequired", "InvalidClientTokenId", "UnrecognizedClientException"}
)
_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
_ORGANIZATION_POLICIES = ("service control policy", "resource control policy")


def region_line(ec2: EC2Client, region: str) -> Line:
    """The region is enabled for the account and no organisation policy denies it (a describe call shows)."""
    check = f"region {region} is enabled and allowed"
    try:
        ec2.describe_availability_zones()
    except ClientError as error:
        code, text = error_code(error), error_text(error)
        if code in _DENIED and any(policy in text for policy in _ORGANIZATION_POLICIES):
            return Line(
                check=check,
                status=FAIL,
                detail=f"an organisation policy denies region {region}: {text}",
                fix=f"deploy in a region your landing zone allows (--region), or {ASK_PLATFORM} "
                f"to allow {region}",
            )
        if code in _REGION_DISABLED:
            return Line(
                check=check,
                status=FAIL,
                detail=f"region {region} is not enabled for this account: {text}",
                fix=f"aws account enable-region --region-name {region} (or {ASK_PLATFORM}), "
                "or pick another region",
            )
        return unreadable(check, error, fix="allow ec2:DescribeAvailabilityZones to see more")
    return Line(check=check, status=OK, detail=f"ec2:DescribeAvailabilityZones answered in {region}")


def bootstrap_line(
    ssm: SSMClient,
    cloudformation: CloudFormationClient,
    bootstrap: Bootstrap,
    *,
    required: int | None,
    account: str,
    region: str,
    boundary: str | None = None,
) -> Line:
    """The bootstrap is there with the qualifier the templates use and at least the version they need."""
    check = f"CDK bootstrap (qualifier {bootstrap.qualifier}, stack {bootstrap.toolkit_stack_name})"
    command = bootstrap.bootstrap_command(account, region, boundary=boundary)
    fix = f"{command}, or {ASK_PLATFORM} to bootstrap with these"
    try:
        version = int(ssm.get_parameter(Name=bootstrap.version_parameter)["Parameter"]["Value"])
    except ClientError as error:
        if error_code(error) != "ParameterNotFound":
            return unreadable(check, error, fix=f"allow ssm:GetParameter on {bootstrap.version_parameter}")
        return Line(
            check=check,
            status=FAIL,
            detail=f"no bootstrap with qualifier {bootstrap.qualifier}: "
            f"{bootstrap.version_parameter} is missing",
            fix=fix,
        )
    if required is not None and version < required:
        return Line(
            check=check,
            status=FAIL,
            detail=f"bootstrap version {version}; the labs need {required} or later",
            fix=fix,
        )
    return _toolkit_stack(cloudformation, bootstrap, check=check, version=version, fix=fix)


def _toolkit_stack(
    cloudformation: CloudFormationClient, bootstrap: Bootstrap, *, check: str, version: int, fix: str
) -> Line:
    try:
        stacks = cloudformation.describe_stacks(StackName=bootstrap.toolkit_stack_name)["Stacks"]
    except ClientError as error:
        if "does not exist" not in error_text(error):
            return unreadable(check, error, fix="allow cloudformation:DescribeStacks on the toolkit stack")
        stacks = []
    if not stacks:
        return Line(
            check=check,
            status=CANNOT_TELL,
            detail=f"bootstrap version {version} found, but no stack {bootstrap.toolkit_stack_name}",
            fix=f"name the bootstrap stack: cdk.json toolkitStackName, or {ASK_PLATFORM} for its name",
        )
    parameters = {p.get("ParameterKey"): p.get("ParameterValue") for p in stacks[0].get("Parameters", [])}
    qualifier = parameters.get("Qualifier", bootstrap.qualifier)
    if qualifier != bootstrap.qualifier:
        return Line(
            check=check,
            status=FAIL,
            detail=f"stack {bootstrap.toolkit_stack_name} bootstraps qualifier {qualifier}, "
            f"not {bootstrap.qualifier}",
            fix=f"set -c {QUALIFIER_CONTEXT}={qualifier} (cdk.json), or {fix}",
        )
    return Line(check=check, status=OK, detail=f"version {version}, stack {bootstrap.toolkit_stack_name}")


def execution_role_line(
    iam: IAMClient, bootstrap: Bootstrap, *, account: str, region: str, boundary: str | None = None
) -> Line:
    """The role `cdk deploy` gives each stack as its service role: the expiry's DeleteStack relies on it."""
    name = bootstrap.execution_role_name(account, region)
    check = f"expiry can delete the stack: the bootstrap's CloudFormation execution role {name} exists"
    try:
        iam.get_role(RoleName=name)
    except ClientError as error:
        if error_code(error) != "NoSuchEntity":
            return unreadable(check, error, fix="allow iam:GetRole on the bootstrap's roles")
        return Line(
            check=check,
            status=FAIL,
            detail=f"no role {name}: the deploy has no service role, so the expiry's DeleteStack would fail",
            fix=f"{bootstrap.bootstrap_command(account, region, boundary=boundary)}, or {ASK_PLATFORM}",
        )
    return Line(check=check, status=OK, detail="the stack will run as this role; its expiry deletes with it")


def boundary_arn(boundary: str, *, account: str, partition: str = "aws") -> str:
    """The ARN of a permissions boundary given by name or ARN."""
    return boundary if boundary.startswith("arn:") else f"arn:{partition}:iam::{account}:policy/{boundary}"


def boundary_line(iam: IAMClient, boundary: str, *, account: str) -> Line:
    """The permissions boundary policy every lab role will carry exists (CreateRole fails otherwise)."""
    arn = boundary_arn(boundary, account=account)
    check = f"permissions boundary {arn} exists"
    try:
        iam.get_policy(PolicyArn=arn)
    except ClientError as error:
        if error_code(error) != "NoSuchEntity":
            return unreadable(check, error, fix="allow iam:GetPolicy on the boundary policy")
        return Line(
            check=check,
            status=FAIL,
            detail="no such policy: every role the lab creates would fail",
            fix=f"{ASK_PLATFORM} for the boundary's name or ARN (-c permissionsBoundary=...)",
        )
    return Line(check=check, status=OK, detail="every role of the lab will carry it")
