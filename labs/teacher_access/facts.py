"""The teacher-access stack's facts, CDK-free: its name, its settings, and the rights of the role the class
tools assume in a learner's account. The stack builds its policy from these; the class tools read the role
name and the external id's rules; a test proves the rights against every call the tools make.

The role trusts only the teacher's named IAM role or user ARNs (never a whole account), only with the
class's `sts:ExternalId`, and only when the caller names themselves (`sts:SourceIdentity`, which then
stays on every call in the learner's CloudTrail). Its rights: read what `labkit class status`, `check`,
`preflight`, `guard` and `destroy` read (metadata, and the labs' own data), the few writes the checks make,
on the kit's tagged or named resources only, and `cloudformation:DeleteStack` on the kit's stack names only.
DeleteStack needs no right on the stacks' resources: CloudFormation deletes them with the stack's service
role (the bootstrap's execution role, which every `cdk deploy` gives a stack), "even if the user doesn't
have permission to pass it" (CloudFormation API reference, DeleteStack: RoleARN).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from labs.shared_facts import TAG_LAB, learner_stack_id

STACK_ID = "LabkitTeacherAccess"
DEFAULT_ROLE_NAME = "LabkitTeacher"
# the stack's context settings (cdk.json or -c key=value)
PRINCIPALS_KEY = "teacherPrincipals"
EXTERNAL_ID_KEY = "classExternalId"
ROLE_NAME_KEY = "teacherRoleName"
BUDGET_KEY = "budgetUsdPerMonth"
BUDGET_EMAIL_KEY = "budgetEmail"
CONTEXT_KEYS = (PRINCIPALS_KEY, EXTERNAL_ID_KEY, ROLE_NAME_KEY, BUDGET_KEY, BUDGET_EMAIL_KEY)
# a budget's alerts: actual spend past 80 % of the month's amount, and a forecast past all of it
BUDGET_ACTUAL_PERCENT = 80
BUDGET_FORECAST_PERCENT = 100

# an IAM user or role ARN (with an optional path); never an account, `root` or `*`
_PRINCIPAL = re.compile(
    r"^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):(user|role)/(?:[\x21-\x7e]+/)?[\w+=,.@-]{1,64}$"
)
_SESSION_ARN = re.compile(r"^arn:(aws[\w-]*):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/")
_USER_CALLER = re.compile(r"^arn:(aws[\w-]*):(?:iam|sts)::(\d{12}):user/(.+)$")
# AssumeRole's ExternalId: 2-1224 characters of [\w+=,.@:/-] (STS API reference, AssumeRole)
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class TeacherAccessError(ValueError):
    """A teacher-access setting the stack cannot use; the message names the key and what to write."""


def principal_of_caller(caller_arn: str) -> str | None:
    """The IAM principal a trust policy names for a caller (sts:GetCallerIdentity's ARN): the user's ARN,
    or the role's for an assumed-role session (path unknown: `/`); None for `root` and federated users."""
    if match := _SESSION_ARN.match(caller_arn):
        partition, account, role = match.groups()
        return f"arn:{partition}:iam::{account}:role/{role}"
    if match := _USER_CALLER.match(caller_arn):
        partition, account, name = match.groups()
        return f"arn:{partition}:iam::{account}:user/{name}"
    return None


def parse_principals(value: Any) -> tuple[str, ...]:
    """The teacher's principals: IAM role or user ARNs, comma-separated or a list, at least one."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    principals = tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
    if not principals:
        raise TeacherAccessError(
            f"{PRINCIPALS_KEY} is not set: name the IAM role or user ARNs the teacher's tools run as, "
            f"comma-separated (-c {PRINCIPALS_KEY}=ARN), as aws sts get-caller-identity shows them"
        )
    for principal in principals:
        if _PRINCIPAL.match(principal):
            continue
        session = principal_of_caller(principal) if _SESSION_ARN.match(principal) else None
        hint = (
            f"name the role, {session}, not one session of it"
            if session
            else "a whole account (`root`, an account id or `*`) would let any of its principals allowed "
            "sts:AssumeRole act in every learner account: name the teacher's own role or user ARNs"
        )
        raise TeacherAccessError(f"{PRINCIPALS_KEY} has {principal!r}, not an IAM role or user ARN: {hint}")
    return principals


def parse_external_id(value: Any) -> str:
    """The class's sts:ExternalId: 2-1224 letters, digits and _+=,.@:/- (one per class)."""
    text = str(value or "").strip()
    if not text:
        raise TeacherAccessError(
            f"{EXTERNAL_ID_KEY} is not set: give the class an external id "
            f"(-c {EXTERNAL_ID_KEY}=class-1b-2026), the same as the roster's external-id= setting"
        )
    if not EXTERNAL_ID.match(text):
        raise TeacherAccessError(
            f"{EXTERNAL_ID_KEY}={text!r} is not an sts:ExternalId: 2-1224 letters, digits and _+=,.@:/-"
        )
    return text


@dataclass(frozen=True, kw_only=True)
class TeacherAccessSettings:
    """What the teacher-access stack is built from, validated once (app.py reads it from context)."""

    principals: tuple[str, ...]
    external_id: str
    role_name: str = DEFAULT_ROLE_NAME
    budget_usd_per_month: float | None = None
    budget_email: str | None = None

    @classmethod
    def from_context(cls, context: Callable[[str], Any]) -> TeacherAccessSettings:
        """The settings from CDK context; TeacherAccessError names the first one that is wrong."""
        role_name = str(context(ROLE_NAME_KEY) or DEFAULT_ROLE_NAME).strip()
        if not _ROLE_NAME.match(role_name):
            raise TeacherAccessError(f"{ROLE_NAME_KEY}={role_name!r} is not an IAM role name")
        amount, email = context(BUDGET_KEY), str(context(BUDGET_EMAIL_KEY) or "").strip()
        budget: float | None = None
        if amount not in (None, ""):
            try:
                budget = float(amount)
            except (TypeError, ValueError):
                budget = -1.0
            if not budget > 0:
                raise TeacherAccessError(
                    f"{BUDGET_KEY}={amount!r} is not an amount of USD per month, for example 20"
                )
            if not _EMAIL.match(email):
                raise TeacherAccessError(
                    f"{BUDGET_KEY} needs {BUDGET_EMAIL_KEY}, the address its alerts go to: {email!r} is "
                    "not an e-mail address"
                )
        elif email:
            raise TeacherAccessError(
                f"{BUDGET_EMAIL_KEY} is set without {BUDGET_KEY}: give the month's amount in USD"
            )
        return cls(
            principals=parse_principals(context(PRINCIPALS_KEY)),
            external_id=parse_external_id(context(EXTERNAL_ID_KEY)),
            role_name=role_name,
            budget_usd_per_month=budget,
            budget_email=email or None,
        )


@dataclass(frozen=True, kw_only=True)
class Grant:
    """One statement of the teacher role's policy: actions on resources (ARN templates with `{partition}`
    and `{account}`), under an optional condition (`{account}` filled likewise)."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...] = ("*",)
    condition: dict[str, dict[str, Any]] | None = None
    why: str = ""


# metadata the class tools read: stacks, what runs and bills, the labs' resources, quotas, the bootstrap
METADATA_READS = (
    "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents",
    "cloudformation:DescribeStackResources", "cloudformation:ListStacks", "cloudformation:ListStackResources",
    "cloudformation:GetTemplate",
    "ec2:Describe*", "ec2:GetEbsDefaultKmsKeyId", "ec2:GetEbsEncryptionByDefault",
    "autoscaling:Describe*", "elasticloadbalancing:Describe*",
    "lambda:ListFunctions", "lambda:ListAliases", "lambda:ListVersionsByFunction", "lambda:ListTags",
    "lambda:ListEventSourceMappings", "lambda:ListProvisionedConcurrencyConfigs", "lambda:GetAlias",
    "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetEventSourceMapping",
    "lambda:GetProvisionedConcurrencyConfig",
    "states:DescribeStateMachine", "states:DescribeExecution", "states:ListStateMachines",
    "states:ListExecutions", "states:GetExecutionHistory", "states:ListTagsForResource",
    "dynamodb:DescribeTable", "dynamodb:ListTables", "dynamodb:DescribeStream", "dynamodb:ListStreams",
    "dynamodb:ListTagsOfResource",
    "elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeMountTargets",
    "elasticfilesystem:DescribeMountTargetSecurityGroups", "elasticfilesystem:DescribeAccessPoints",
    "s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketTagging",
    "sqs:ListQueues", "sqs:GetQueueAttributes", "sqs:ListQueueTags",
    "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:DescribeResourcePolicies",
    "scheduler:GetSchedule", "scheduler:ListSchedules", "scheduler:ListScheduleGroups",
    "events:DescribeRule", "events:ListRules", "events:ListTargetsByRule",
    "fis:GetExperimentTemplate", "fis:ListExperimentTemplates", "fis:GetExperiment", "fis:ListExperiments",
    "batch:DescribeComputeEnvironments", "batch:DescribeJobQueues", "batch:DescribeJobDefinitions",
    "batch:DescribeJobs", "batch:ListJobs",
    "iam:GetRole", "iam:ListRoles", "iam:ListRolePolicies", "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies", "iam:ListInstanceProfiles", "iam:GetPolicy", "iam:GetPolicyVersion",
    "iam:SimulateCustomPolicy",
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListAliases",
    "servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota",
    "servicequotas:ListServiceQuotas", "servicequotas:ListRequestedServiceQuotaChangeHistory",
    "tag:GetResources",
    "ecs:ListClusters", "ecs:DescribeClusters", "ecs:ListTasks", "ecs:DescribeTasks", "ecs:ListServices",
    "ecs:DescribeServices", "ecs:DescribeTaskDefinition", "lambda:ListLayers",
    "eks:ListClusters", "eks:DescribeCluster", "eks:ListNodegroups", "eks:DescribeNodegroup",
    "eks:ListFargateProfiles",
    "account:ListRegions", "account:GetRegionOptStatus",
)  # fmt: skip
# the labs' data a check reads back: objects the CSV writer wrote, the functions' log lines
DATA_READS = ("s3:GetObject", "s3:ListBucket", "logs:FilterLogEvents", "logs:GetLogEvents")
# the writes checks make, each on a resource of the kit's labs (tagged labkit:lab=<LabId>)
TAGGED_WRITES = (
    ("lambda:InvokeFunction", "arn:{partition}:lambda:*:{account}:function:*"),
    # LabColdStart's check forces cold starts as its ForceColdStartCommand does: a description change
    ("lambda:UpdateFunctionConfiguration", "arn:{partition}:lambda:*:{account}:function:*"),
    ("states:StartExecution", "arn:{partition}:states:*:{account}:stateMachine:*"),
    ("ec2:TerminateInstances", "arn:{partition}:ec2:*:{account}:instance/*"),
    ("fis:StartExperiment", "arn:{partition}:fis:*:{account}:experiment-template/*"),
    # `labkit class check --submit` submits LabBatch's array job: SubmitJob authorizes queue and definition
    ("batch:SubmitJob", "arn:{partition}:batch:*:{account}:job-queue/*"),
    ("batch:SubmitJob", "arn:{partition}:batch:*:{account}:job-definition/*"),
)
RESOURCE_ACCOUNT = {"StringEquals": {"aws:ResourceAccount": "{account}"}}


def stack_names(lab_ids: Iterable[str]) -> tuple[str, ...]:
    """The names a kit lab stack may have: `<owner>-<Lab>`, `<Lab>`, and the learner's own `My<Lab>`."""
    return tuple(
        name
        for lab_id in lab_ids
        for stack_id in (lab_id, learner_stack_id(lab_id))
        for name in (f"*-{stack_id}", stack_id)
    )


def teacher_grants(lab_ids: Sequence[str]) -> tuple[Grant, ...]:
    """Every statement of the teacher role's policy, for the kit's labs."""
    tagged = {"StringEquals": {f"aws:ResourceTag/{TAG_LAB}": list(lab_ids)}}
    return (
        Grant(
            sid="ReadTheClass",
            actions=METADATA_READS,
            why="status, check, preflight, guard and destroy read stacks, what runs and bills, the labs' "
            "resources and quotas in every region: read-only metadata calls, most of which take no resource",
        ),
        Grant(
            sid="ReadTheLabsData",
            actions=DATA_READS,
            condition=RESOURCE_ACCOUNT,
            why="checks read back the CSV the lab wrote and its functions' log lines; CloudFormation "
            "generates (and truncates) the buckets' and groups' names, so only the account bounds them",
        ),
        Grant(
            sid="ReadTheBootstrapVersion",
            actions=("ssm:GetParameter",),
            resources=("arn:{partition}:ssm:*:{account}:parameter/cdk-bootstrap/*",),
        ),
        *(
            Grant(sid=f"CheckWrite{index}", actions=(action,), resources=(resource,), condition=tagged)
            for index, (action, resource) in enumerate(TAGGED_WRITES, 1)
        ),
        Grant(
            sid="StartTheCheckExperiment",
            actions=("fis:StartExperiment",),
            resources=("arn:{partition}:fis:*:{account}:experiment/*",),
            why="StartExperiment also authorizes the experiment it creates, whose id is not known before",
        ),
        Grant(
            sid="PutTheCheckUser",
            actions=("dynamodb:PutItem",),
            resources=tuple(
                f"arn:{{partition}}:dynamodb:*:{{account}}:table/*{lab_id}-*" for lab_id in lab_ids
            ),
        ),
        Grant(
            sid="DeleteTheLabStacks",
            actions=("cloudformation:DeleteStack",),
            resources=tuple(
                f"arn:{{partition}}:cloudformation:*:{{account}}:stack/{name}/*"
                for name in stack_names(lab_ids)
            ),
        ),
    )
