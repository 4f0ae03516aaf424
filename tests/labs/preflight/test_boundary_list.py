"""The README's "what the boundary must allow" is the list preflight simulates, made from the templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from labs.catalogue import UnknownResourceTypeError, entry
from labs.catalogue.iam import AWS_MANAGED_POLICY_ACTIONS
from labs.preflight.permissions import (
    deploy_actions,
    execution_role_actions,
    lab_actions,
    managed_policy_actions,
    not_simulated_note,
    readme_list,
)
from tests.synth import Template

README = Path(__file__).resolve().parents[3] / "README.md"
BLOCK = re.compile(r"<!-- boundary-actions:start -->\n(.*?)\n<!-- boundary-actions:end -->", re.DOTALL)


def test_the_readme_lists_exactly_what_preflight_simulates(templates: dict[str, Template]) -> None:
    match = BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, "the README's landing-zone section lost its boundary-actions block"
    assert match.group(1) == readme_list(templates), (
        "the README and labs/preflight/permissions.py drift: paste readme_list(templates) into the block"
    )


def test_the_list_holds_what_the_expiry_the_cleaner_and_the_stream_need(
    templates: dict[str, Template],
) -> None:
    assert {"cloudformation:DeleteStack", "sqs:SendMessage"} <= set(lab_actions(templates["LabEc2"]))
    cleaner_and_stream = {
        "s3:ListBucket",
        "s3:DeleteObject",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:DescribeStream",
        "dynamodb:ListStreams",
    }
    assert cleaner_and_stream <= set(lab_actions(templates["LabDdbStream"]))
    # CloudFormation, as the execution role, creates the service-linked role with the first group
    assert "iam:CreateServiceLinkedRole" in execution_role_actions(templates["LabAsg"])


def test_every_resource_type_of_every_lab_has_its_cloudformation_actions(
    templates: dict[str, Template],
) -> None:
    types = {r["Type"] for t in templates.values() for r in t["Resources"].values()}
    assert all(entry(t).deploy_actions is not None for t in types)
    assert all(not deploy_actions(t).not_simulated for t in templates.values())
    with pytest.raises(UnknownResourceTypeError, match="AWS::FSx::FileSystem"):
        execution_role_actions({"Resources": {"Files": {"Type": "AWS::FSx::FileSystem"}}})


def test_a_type_the_catalogue_does_not_know_is_named_as_not_simulated_not_skipped() -> None:
    template = {
        "Resources": {"Files": {"Type": "AWS::FSx::FileSystem"}, "Queue": {"Type": "AWS::SQS::Queue"}}
    }

    found = deploy_actions(template)

    assert "sqs:CreateQueue" in found.actions
    assert found.note() == (
        "its permissions are not simulated for AWS::FSx::FileSystem (the kit's catalogue has no entry for it)"
    )


def test_the_aws_managed_policies_the_labs_attach_are_simulated_with_their_actions(
    templates: dict[str, Template],
) -> None:
    efs, ec2 = managed_policy_actions(templates["LabEfs"]), managed_policy_actions(templates["LabEc2"])

    assert efs.actions == set(AWS_MANAGED_POLICY_ACTIONS["service-role/AWSLambdaVPCAccessExecutionRole"])
    assert {"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"} <= set(
        lab_actions(templates["LabEfs"])
    )
    assert "ssmmessages:CreateControlChannel" in ec2.actions
    assert all(not managed_policy_actions(t).not_simulated for t in templates.values())
    assert managed_policy_actions(templates["LabStepFunction"]).actions == frozenset()


def test_a_managed_policy_the_kit_does_not_know_is_named_as_not_simulated() -> None:
    partition_arn = {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AmazonS3ReadOnlyAccess"]]
    }
    template = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "ManagedPolicyArns": [
                        partition_arn,
                        "arn:aws:iam::123456789012:policy/TheirOwn",
                        {"Ref": "Mine"},
                    ]
                },
            },
            "Mine": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage"}]}
                },
            },
        }
    }

    assert "sqs:SendMessage" in lab_actions(template)
    assert not_simulated_note(template) == (
        "its permissions are not simulated for the AWS managed policy AmazonS3ReadOnlyAccess (its actions "
        "are not in labs/catalogue/iam.py); its permissions are not simulated for the managed policy "
        "arn:aws:iam::123456789012:policy/TheirOwn (its document is not in the template)"
    )
