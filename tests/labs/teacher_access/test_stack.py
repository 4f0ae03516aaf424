"""The teacher-access stack: trust only the teacher's named principals with the class's external id and a
source identity, least privilege, cdk-nag clean, a template a StackSet can deploy, no lab."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from labs.cdk_json import feature_flags
from labs.registry import lab_ids
from labs.teacher_access.facts import (
    DEFAULT_ROLE_NAME,
    STACK_ID,
    TeacherAccessError,
    TeacherAccessSettings,
    principal_of_caller,
)
from tests.labs.teacher_access.calls import WRITES
from tests.synth import CDK_GROUP, Template, only, props, resolve, scratch_dir

pytestmark = CDK_GROUP

TEACHER = "arn:aws:iam::999999999999:role/Teacher"
ASSISTANT = "arn:aws:iam::999999999999:user/assistant"
CONTEXT = {"teacherPrincipals": f"{TEACHER},{ASSISTANT}", "classExternalId": "class-1b-2026"}
# IAM's limit on a role's inline policies, together (IAM quotas: role policy size 10,240 characters)
ROLE_POLICY_LIMIT = 10_240
ARN_PARTS = {"AWS::Partition": "aws", "AWS::AccountId": "111111111111"}


def synth(context: dict[str, Any], *, nag: bool = False) -> tuple[Template, Any]:
    from aws_cdk import App, Validations

    from labs.teacher_access.stack import build_teacher_access

    app = App(outdir=scratch_dir("labkit-teacher-"), context={**feature_flags(), **context})
    stack = build_teacher_access(app, app.node.try_get_context, lab_ids=lab_ids(), permissions_boundary=None)
    assert stack is not None
    if nag:
        from cdk_nag import AwsSolutionsChecks

        Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    template: Template = app.synth().get_stack_by_name(STACK_ID).template
    return template, app


@pytest.fixture(scope="module")
def template() -> Template:
    return synth(CONTEXT)[0]


def policy_statements(template: Template) -> list[dict[str, Any]]:
    policy = only(template, "AWS::IAM::Policy")
    return [resolve_arns(s) for s in props(policy)["PolicyDocument"]["Statement"]]


def resolve_arns(value: Any) -> Any:
    """The statement as it reads in account 111111111111 of the aws partition."""
    if isinstance(value, dict) and set(value) == {"Fn::Join"}:
        return resolve(value, {key: value for key, value in ARN_PARTS.items()})
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return ARN_PARTS[value["Ref"]]
    if isinstance(value, dict):
        return {key: resolve_arns(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_arns(item) for item in value]
    return value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allowed(statements: list[dict[str, Any]], action: str, resource: str) -> bool:
    return any(
        any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in as_list(s["Action"]))
        and any(fnmatch.fnmatchcase(resource, r) for r in as_list(s["Resource"]))
        for s in statements
    )


def test_the_role_trusts_only_the_named_principals_with_the_external_id_and_a_source_identity(
    template: Template,
) -> None:
    role = only(template, "AWS::IAM::Role")

    assert props(role)["RoleName"] == DEFAULT_ROLE_NAME
    assert props(role)["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": {
                "StringEquals": {"sts:ExternalId": "class-1b-2026"},
                "StringLike": {"sts:SourceIdentity": "*"},
            },
            "Effect": "Allow",
            "Principal": {"AWS": [TEACHER, ASSISTANT]},
        }
    ]
    assert ":root" not in json.dumps(template)


def test_the_role_may_delete_only_the_kit_s_stacks(template: Template) -> None:
    statements = policy_statements(template)
    stack = "arn:aws:cloudformation:us-east-1:111111111111:stack/{}/0a1b"

    for name in ("alice-LabEc2", "LabEc2", "bob-MyLabSpot", "MyLabAsg", "a-b-LabStepFunction"):
        assert allowed(statements, "cloudformation:DeleteStack", stack.format(name)), name
    for name in ("CDKToolkit", STACK_ID, "alice-LabEc2x", "production-db", "LabEc2-copy"):
        assert not allowed(statements, "cloudformation:DeleteStack", stack.format(name)), name
    other_account = "arn:aws:cloudformation:us-east-1:222222222222:stack/alice-LabEc2/0a1b"
    assert not allowed(statements, "cloudformation:DeleteStack", other_account)


def test_the_role_writes_only_what_checks_write_and_only_on_the_labs_resources(template: Template) -> None:
    statements = policy_statements(template)
    writes = {
        action
        for s in statements
        for action in as_list(s["Action"])
        if not action.split(":")[1].startswith(("Describe", "List", "Get", "Filter", "Simulate"))
    }

    assert writes == WRITES
    for s in statements:
        if set(as_list(s["Action"])) & {
            "ec2:TerminateInstances",
            "lambda:InvokeFunction",
            "lambda:UpdateFunctionConfiguration",
        }:
            assert s["Condition"] == {"StringEquals": {"aws:ResourceTag/labkit:lab": list(lab_ids())}}
    for dangerous in ("iam:PassRole", "iam:CreateRole", "ec2:RunInstances", "s3:PutObject", "sts:AssumeRole"):
        assert not allowed(statements, dangerous, "*"), dangerous
    assert not any(a == "*" or a.endswith(":*") for s in statements for a in as_list(s["Action"]))


def test_the_policy_fits_iam_s_size_limit(template: Template) -> None:
    document = props(only(template, "AWS::IAM::Policy"))["PolicyDocument"]
    text = json.dumps(resolve_arns(document), separators=(",", ":"))

    assert len(text) < ROLE_POLICY_LIMIT


def test_a_stack_set_can_deploy_the_template_without_a_bootstrap(template: Template) -> None:
    assert "BootstrapVersion" not in template.get("Parameters", {})
    assert "CheckBootstrapVersion" not in template.get("Rules", {})
    kinds = {resource["Type"] for resource in template["Resources"].values()}
    assert kinds <= {"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::CDK::Metadata"}
    assert "assets" not in json.dumps(template)  # no asset: nothing to publish into a bootstrap bucket


def test_an_optional_budget_alerts_by_email() -> None:
    template, _ = synth({**CONTEXT, "budgetUsdPerMonth": "20", "budgetEmail": "teacher@example.org"})

    budget = props(only(template, "AWS::Budgets::Budget"))

    assert budget["Budget"]["BudgetLimit"] == {"Amount": 20, "Unit": "USD"}
    kinds = {
        (n["Notification"]["NotificationType"], n["Notification"]["Threshold"])
        for n in budget["NotificationsWithSubscribers"]
    }
    assert kinds == {("ACTUAL", 80), ("FORECASTED", 100)}
    assert budget["NotificationsWithSubscribers"][0]["Subscribers"] == [
        {"Address": "teacher@example.org", "SubscriptionType": "EMAIL"}
    ]


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"classExternalId": "class-1b"}, "teacherPrincipals is not set"),
        ({"teacherPrincipals": "arn:aws:iam::999999999999:root", "classExternalId": "c1"}, "a whole account"),
        ({"teacherPrincipals": "999999999999", "classExternalId": "c1"}, "a whole account"),
        ({"teacherPrincipals": "*", "classExternalId": "c1"}, "a whole account"),
        (
            {
                "teacherPrincipals": "arn:aws:sts::999999999999:assumed-role/Teacher/ada",
                "classExternalId": "c1",
            },
            "name the role, arn:aws:iam::999999999999:role/Teacher, not one session of it",
        ),
        ({"teacherPrincipals": TEACHER}, "classExternalId is not set"),
        ({"teacherPrincipals": TEACHER, "classExternalId": "a b"}, "is not an sts:ExternalId"),
        ({**CONTEXT, "budgetUsdPerMonth": "0"}, "is not an amount of USD per month"),
        ({**CONTEXT, "budgetUsdPerMonth": "20"}, "needs budgetEmail"),
        ({**CONTEXT, "budgetEmail": "t@example.org"}, "budgetEmail is set without budgetUsdPerMonth"),
    ],
)
def test_wrong_settings_are_refused_by_name(context: dict[str, str], message: str) -> None:
    with pytest.raises(TeacherAccessError, match=message.replace("(", r"\(").replace(")", r"\)")):
        TeacherAccessSettings.from_context(context.get)


def test_the_caller_s_principal_is_the_user_or_the_role_behind_a_session() -> None:
    assert principal_of_caller("arn:aws:iam::999999999999:user/ada") == "arn:aws:iam::999999999999:user/ada"
    assert principal_of_caller("arn:aws:sts::123456789012:user/moto") == "arn:aws:iam::123456789012:user/moto"
    session = "arn:aws:sts::999999999999:assumed-role/Teacher/ada@example.org"
    assert principal_of_caller(session) == "arn:aws:iam::999999999999:role/Teacher"
    assert principal_of_caller("arn:aws:iam::999999999999:root") is None


def test_an_incomplete_setting_fails_only_this_stack_s_deploy() -> None:
    from aws_cdk import App

    from labs.teacher_access.stack import build_teacher_access

    app = App(outdir=scratch_dir("labkit-teacher-"), context={"classExternalId": "c1"})
    stack = build_teacher_access(app, app.node.try_get_context, lab_ids=lab_ids(), permissions_boundary=None)

    assert stack is not None
    # read from the construct: the CLI fails only the stacks it was asked for (`cdk synth LabEc2` passes)
    errors = [str(entry.data) for entry in stack.node.metadata if entry.type == "aws:cdk:error"]
    assert errors == [
        f"{STACK_ID} cannot be built: teacherPrincipals is not set: name the IAM role or user ARNs the "
        "teacher's tools run as, comma-separated (-c teacherPrincipals=ARN), as aws sts get-caller-identity "
        "shows them"
    ]
    nothing = App(outdir=scratch_dir("labkit-teacher-"))
    unset = build_teacher_access(
        nothing, nothing.node.try_get_context, lab_ids=lab_ids(), permissions_boundary=None
    )
    assert unset is None


def test_cdk_nag_finds_nothing_unacknowledged() -> None:
    _, app = synth(CONTEXT, nag=True)

    with open(f"{app.outdir}/validation-report.json") as report_file:
        report = json.load(report_file)
    (aws_solutions,) = [p for p in report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    assert aws_solutions["conclusion"] == "success"
    assert aws_solutions["violations"] == []
    for finding in aws_solutions["suppressedViolations"]:
        assert finding["acknowledgedAt"].startswith(f"{STACK_ID}/")
        assert len(finding["reason"]) > 40, finding


def test_cfn_lint_finds_no_errors(template: Template) -> None:
    from cfnlint.api import ManualArgs, lint

    matches = lint(json.dumps(template), config=ManualArgs(regions=["us-east-1", "eu-west-1"]))
    assert [f"{m.rule.id} {m.message}" for m in matches if m.rule.id[0] == "E"] == []


def test_the_template_matches_its_snapshot(template: Template, snapshot: SnapshotAssertion) -> None:
    assert template == snapshot.use_extension(JSONSnapshotExtension)


def test_it_is_no_lab() -> None:
    from labs.cli import build_parser

    assert STACK_ID not in lab_ids()
    assert STACK_ID not in build_parser().format_help()
