"""Many learners per account and auto-expiry, as synthesized: names, tags and the self-delete schedule."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from labs.cdk_json import feature_flags
from labs.registry import lab_ids
from labs.settings import LabSettings
from labs.shared_facts import EXPIRY_DEAD_LETTERS_PREFIX
from tests.synth import (
    CDK_GROUP,
    FIXED_NOW,
    Synthesized,
    Template,
    only,
    props,
    resolve,
    resources,
    scratch_dir,
    statements,
    synth_labs,
)

pytestmark = CDK_GROUP

# resource types a learner pays for or finds in the console: each must carry the owner and lab tags
MUST_BE_TAGGED = {
    "AWS::EC2::Instance",
    "AWS::EC2::Volume",
    "AWS::EC2::EIP",
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::SecurityGroup",
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::Lambda::Function",
    "AWS::SQS::Queue",
    "AWS::StepFunctions::StateMachine",
    "AWS::Logs::LogGroup",
    "AWS::IAM::Role",
}


def test_owner_names_every_stack_and_keeps_construct_ids(alice_synth: Synthesized) -> None:
    assert {lab: (s.node.id, s.stack_name) for lab, s in alice_synth.stacks.items()} == {
        lab: (lab, f"alice-{lab}") for lab in lab_ids()
    }


@pytest.mark.parametrize("lab_id", lab_ids())
def test_stack_tags_name_lab_owner_and_expiry(
    lab_id: str, default_synth: Synthesized, alice_synth: Synthesized
) -> None:
    """Stack tags go to CloudFormation, which copies them onto every resource it can tag."""
    assert default_synth.stack_tags(lab_id) == {
        "labkit:lab": lab_id,
        "labkit:owner": "unset",
        "labkit:expires-at": "2026-01-01T20:01Z",
    }
    assert alice_synth.stack_tags(lab_id) == {"labkit:lab": lab_id, "labkit:owner": "alice"}


@pytest.mark.parametrize("lab_id", lab_ids())
def test_every_taggable_resource_carries_owner_and_lab(lab_id: str, alice_templates: Template) -> None:
    template = alice_templates[lab_id]
    for logical_id, resource in template["Resources"].items():
        tags = props(resource).get("Tags")
        if resource["Type"] in MUST_BE_TAGGED:
            assert tags is not None, f"{logical_id} ({resource['Type']}) is not tagged"
        if isinstance(tags, list):
            values = {tag["Key"]: tag["Value"] for tag in tags}
            assert values.get("labkit:owner") == "alice", logical_id
            assert values.get("labkit:lab") == lab_id, logical_id


def test_instances_of_the_group_are_tagged_at_launch(alice_templates: Template) -> None:
    group = props(only(alice_templates["LabAsg"], "AWS::AutoScaling::AutoScalingGroup"))
    tags = {tag["Key"]: (tag["Value"], tag["PropagateAtLaunch"]) for tag in group["Tags"]}
    assert tags["labkit:owner"] == ("alice", True)
    assert tags["labkit:lab"] == ("LabAsg", True)


def test_two_owners_differ_only_in_tags(alice_templates: Template, templates: Template) -> None:
    """Same lab for two learners: no physical name differs, so nothing can collide in one account."""
    bob = LabSettings(owner="bob", ping_cidr="203.0.113.7/32", ttl_hours=0, now=FIXED_NOW)
    from aws_cdk import App

    from labs.ec2.stack import LabEc2Stack

    app = App(outdir=scratch_dir(), context=feature_flags())
    stack = LabEc2Stack(app, settings=bob)  # one lab is enough, and a third of the synth time
    bob_ec2 = app.synth().get_stack_by_name(stack.stack_name).template
    assert json.dumps(bob_ec2).replace('"bob"', '"alice"') == json.dumps(alice_templates["LabEc2"])


class TestExpirySchedule:
    @pytest.fixture
    def schedule(self, templates: Template) -> dict[str, object]:
        return props(only(templates["LabEc2"], "AWS::Scheduler::Schedule"))

    def test_fires_once_at_synth_time_plus_ttl(self, schedule: dict[str, object]) -> None:
        assert schedule["ScheduleExpression"] == "at(2026-01-01T20:01:00)"
        assert schedule["ScheduleExpressionTimezone"] == "UTC"
        assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}

    def test_targets_delete_stack_of_this_stack_only(self, schedule: dict[str, object]) -> None:
        target = schedule["Target"]
        assert isinstance(target, dict)
        assert resolve(target["Arn"], {"AWS::Partition": "aws"}) == (
            "arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack"
        )
        assert target["Input"] == {"Fn::Join": ["", ['{"StackName":"', {"Ref": "AWS::StackId"}, '"}']]}

    @pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov"])
    def test_target_is_in_the_stacks_own_partition(self, partition: str, schedule: dict[str, object]) -> None:
        target = schedule["Target"]
        assert isinstance(target, dict)
        assert resolve(target["Arn"], {"AWS::Partition": partition}) == (
            f"arn:{partition}:scheduler:::aws-sdk:cloudformation:deleteStack"
        )

    @pytest.mark.parametrize("lab_id", lab_ids())
    def test_role_may_delete_this_stack_and_report_to_its_dead_letter_queue_only(
        self, lab_id: str, templates: Template
    ) -> None:
        template = templates[lab_id]
        schedule = props(only(template, "AWS::Scheduler::Schedule"))
        role_id = schedule["Target"]["RoleArn"]["Fn::GetAtt"][0]
        (queue_id,) = dead_letter_queues(template)
        assert statements(template, role_id) == [
            {"Action": "cloudformation:DeleteStack", "Effect": "Allow", "Resource": {"Ref": "AWS::StackId"}},
            {"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": {"Fn::GetAtt": [queue_id, "Arn"]}},
        ]
        trust = props(template["Resources"][role_id])["AssumeRolePolicyDocument"]["Statement"]
        assert trust == [
            {
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                        # only schedules of this account's default group (the lab's schedule's)
                        "aws:SourceArn": {
                            "Fn::Join": [
                                "",
                                [
                                    "arn:",
                                    {"Ref": "AWS::Partition"},
                                    ":scheduler:",
                                    {"Ref": "AWS::Region"},
                                    ":",
                                    {"Ref": "AWS::AccountId"},
                                    ":schedule-group/default",
                                ],
                            ]
                        },
                    }
                },
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
            }
        ]

    @pytest.mark.parametrize("lab_id", lab_ids())
    def test_what_scheduler_cannot_do_lands_in_an_encrypted_tls_only_queue_deleted_with_the_stack(
        self, lab_id: str, templates: Template
    ) -> None:
        """A failed DeleteStack call (denied, throttled past the retries) is kept, not lost."""
        template = templates[lab_id]
        schedule = props(only(template, "AWS::Scheduler::Schedule"))
        (queue_id,) = dead_letter_queues(template)
        assert schedule["Target"]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue_id, "Arn"]}}
        queue = template["Resources"][queue_id]
        assert props(queue)["SqsManagedSseEnabled"] is True
        assert props(queue)["MessageRetentionPeriod"] == 4 * 24 * 3600
        assert queue["DeletionPolicy"] == "Delete"
        policies = [
            props(p)["PolicyDocument"]["Statement"]
            for p in resources(template, "AWS::SQS::QueuePolicy").values()
            if {"Ref": queue_id} in props(p)["Queues"]
        ]
        assert policies == [
            [
                {
                    "Action": "sqs:*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Resource": {"Fn::GetAtt": [queue_id, "Arn"]},
                }
            ]
        ]

    @pytest.mark.parametrize("lab_id", lab_ids())
    def test_outputs_show_when_the_lab_expires(self, lab_id: str, templates: Template) -> None:
        assert templates[lab_id]["Outputs"]["ExpiresAt"]["Value"] == "2026-01-01T20:01Z"

    def test_ttl_zero_creates_no_schedule(self, alice_templates: Template) -> None:
        for lab_id in lab_ids():
            assert resources(alice_templates[lab_id], "AWS::Scheduler::Schedule") == {}
            assert dead_letter_queues(alice_templates[lab_id]) == []
            assert alice_templates[lab_id]["Outputs"]["ExpiresAt"]["Value"] == "never (ttlHours=0)"


def dead_letter_queues(template: Template) -> list[str]:
    """The logical ids of the expiry's dead-letter queues, found as the checks find them."""
    return [q for q in resources(template, "AWS::SQS::Queue") if q.startswith(EXPIRY_DEAD_LETTERS_PREFIX)]


def test_a_redeploy_later_changes_no_launch_template(templates: dict[str, Template]) -> None:
    """The expiry moves with each deploy; a changed launch template version would replace the instance."""
    later = synth_labs(LabSettings(now=FIXED_NOW + timedelta(hours=3)))
    earlier = templates
    for lab_id in ("LabEc2", "LabAsg"):
        assert resources(later[lab_id], "AWS::EC2::LaunchTemplate") == resources(
            earlier[lab_id], "AWS::EC2::LaunchTemplate"
        )
        assert only(later[lab_id], "AWS::Scheduler::Schedule") != only(
            earlier[lab_id], "AWS::Scheduler::Schedule"
        )
