"""`LabkitTeacherAccess`: the role a teacher's class tools assume in a learner's account (not a lab).

One stack per learner account, deployed with one `cdk deploy` or, for an organisational unit, as a
service-managed StackSet of its synthesized template: it needs no CDK bootstrap (no assets, no bootstrap
version rule) and names only the role, so the same template fits every account of the class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from aws_cdk import Annotations, Aws, CfnOutput, CfnWaitConditionHandle, DefaultStackSynthesizer, Stack
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_iam as iam
from constructs import Construct

from labs.constructs.nag import acknowledge
from labs.teacher_access.facts import (
    BUDGET_ACTUAL_PERCENT,
    BUDGET_FORECAST_PERCENT,
    CONTEXT_KEYS,
    STACK_ID,
    Grant,
    TeacherAccessError,
    TeacherAccessSettings,
    teacher_grants,
)


def _filled(value: Any) -> Any:
    """A grant's ARN template or condition with this account's partition and id (tokens, per account)."""
    if isinstance(value, str):
        return value.format(partition=Aws.PARTITION, account=Aws.ACCOUNT_ID)
    if isinstance(value, dict):
        return {key: _filled(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_filled(item) for item in value]
    return value


# why a grant's wildcards are the least privilege there is, unless the grant says more
WILDCARD_REASON = (
    "bounded by the kit's labkit:lab tag, or by the names CloudFormation gives the kit's stacks and tables, "
    "in this account only: their ARNs are not known when the teacher's role is deployed"
)


def wildcard_findings(grant: Grant) -> list[str]:
    """cdk-nag's IAM5 finding ids for a grant's wildcard actions and resources (`Action::ec2:Describe*`,
    `Resource::arn:<AWS::Partition>:...`), each acknowledged on its own."""
    resources = [
        resource.format(partition="<AWS::Partition>", account="<AWS::AccountId>")
        for resource in grant.resources
        if "*" in resource
    ]
    actions = [action for action in grant.actions if "*" in action]
    return [f"Action::{action}" for action in actions] + [f"Resource::{resource}" for resource in resources]


def statement(grant: Grant) -> iam.PolicyStatement:
    """One grant as a policy statement of this account."""
    return iam.PolicyStatement(
        sid=grant.sid,
        actions=list(grant.actions),
        resources=[_filled(resource) for resource in grant.resources],
        conditions=_filled(grant.condition) if grant.condition else None,
    )


class TeacherAccessStack(Stack):
    """The teacher's role in a learner account, its least-privilege policy, and optionally a budget alert.

    Built with `error` instead of settings when the context is incomplete: `cdk deploy LabkitTeacherAccess`
    then stops with that message, and every lab still deploys.
    """

    def __init__(
        self,
        scope: Construct,
        *,
        settings: TeacherAccessSettings | None,
        lab_ids: tuple[str, ...],
        permissions_boundary: str | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__(
            scope,
            STACK_ID,
            stack_name=STACK_ID,
            description="labkit: the role a teacher's class tools assume in this learner account (not a lab)",
            # no bootstrap version rule: the template also deploys as a StackSet, bootstrap or not
            synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
        )
        if settings is None:
            # a template CloudFormation's validation accepts, so that the app's other stacks still synthesize
            CfnWaitConditionHandle(self, "NotBuilt")
            Annotations.of(self).add_error(f"{STACK_ID} cannot be built: {error}")
            return
        self.role = self._build_role(settings, lab_ids, permissions_boundary)
        if settings.budget_usd_per_month is not None and settings.budget_email:
            self._build_budget(settings.budget_usd_per_month, settings.budget_email)
        CfnOutput(self, "TeacherRoleArn", value=self.role.role_arn, description="the roster's role= here")

    def _build_role(
        self, settings: TeacherAccessSettings, lab_ids: tuple[str, ...], boundary: str | None
    ) -> iam.Role:
        role = iam.Role(
            self,
            "TeacherRole",
            role_name=settings.role_name,  # the roster names it in every learner account alike
            assumed_by=iam.ArnPrincipal(settings.principals[0]),
            description="labkit class tools: read the labs, run their checks, delete the kit's stacks",
        )
        # only the named principals, only with the class's external id, only naming themselves
        cast(iam.CfnRole, role.node.default_child).assume_role_policy_document = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    principals=[iam.ArnPrincipal(principal) for principal in settings.principals],
                    actions=["sts:AssumeRole", "sts:SetSourceIdentity"],
                    conditions={
                        "StringEquals": {"sts:ExternalId": settings.external_id},
                        "StringLike": {"sts:SourceIdentity": "*"},
                    },
                )
            ]
        )
        grants = teacher_grants(lab_ids)
        policy = iam.Policy(
            self, "TeacherPolicy", roles=[role], statements=[statement(grant) for grant in grants]
        )
        for grant in grants:
            for finding in wildcard_findings(grant):
                acknowledge(
                    policy,
                    f"AwsSolutions-IAM5[{finding}]",
                    f"{grant.sid}: {grant.why or WILDCARD_REASON}",
                )
        if boundary:
            iam.PermissionsBoundary.of(role).apply(
                iam.ManagedPolicy.from_managed_policy_arn(self, "Boundary", boundary)
                if boundary.startswith("arn:")
                else iam.ManagedPolicy.from_managed_policy_name(self, "Boundary", boundary)
            )
        return role

    def _build_budget(self, usd_per_month: float, email: str) -> None:
        # AWS updates a budget's status several times a day: an alert hours late, the guard is the minutes net
        subscribers = [budgets.CfnBudget.SubscriberProperty(address=email, subscription_type="EMAIL")]
        budgets.CfnBudget(
            self,
            "Budget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=usd_per_month, unit="USD"),
            ),
            notifications_with_subscribers=[
                budgets.CfnBudget.NotificationWithSubscribersProperty(
                    notification=budgets.CfnBudget.NotificationProperty(
                        comparison_operator="GREATER_THAN",
                        notification_type=kind,
                        threshold=percent,
                        threshold_type="PERCENTAGE",
                    ),
                    subscribers=subscribers,
                )
                for kind, percent in (
                    ("ACTUAL", BUDGET_ACTUAL_PERCENT),
                    ("FORECASTED", BUDGET_FORECAST_PERCENT),
                )
            ],
        )


def build_teacher_access(
    app: Construct,
    context: Callable[[str], Any],
    *,
    lab_ids: tuple[str, ...],
    permissions_boundary: str | None,
) -> TeacherAccessStack | None:
    """The stack when any of its settings is given (a learner's app has none, and lists no such stack);
    an incomplete or wrong setting fails only `cdk deploy LabkitTeacherAccess`, with its message."""
    if all(context(key) in (None, "", []) for key in CONTEXT_KEYS):
        return None
    try:
        settings, error = TeacherAccessSettings.from_context(context), None
    except TeacherAccessError as refused:
        settings, error = None, str(refused)
    return TeacherAccessStack(
        app, settings=settings, error=error, lab_ids=lab_ids, permissions_boundary=permissions_boundary
    )
