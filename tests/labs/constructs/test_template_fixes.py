"""The smaller template findings: the cleaner's service timeout, the expiry time only on the stack and its
schedule, t4g in standard credit mode, and `make synth` without the option the CLI ignores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from labs.deployed.expiry import read_tagged_expiry, template_schedule_time
from labs.deployed.stack import DeployedStack
from labs.registry import lab_ids
from labs.settings import LabSettings
from labs.shared_facts import TAG_EXPIRES, expires_tag
from tests.check_helpers import mocked_session
from tests.synth import CDK_GROUP, FIXED_NOW, Synthesized, Template, props, resources, synth_lab

KIT = Path(__file__).resolve().parents[3]
HOUR = 3600


def test_the_bucket_cleaner_fails_the_delete_within_minutes_not_an_hour(
    templates: dict[str, Template],
) -> None:
    cleaners = [
        (lab_id, props(resource))
        for lab_id, template in templates.items()
        for resource in resources(template, "Custom::EmptyBucketOnDelete").values()
    ]
    assert {lab_id for lab_id, _ in cleaners} == {"LabDdbStream", "LabStepFunction", "LabBatch"}
    for lab_id, properties in cleaners:
        function_timeout = next(
            props(f)["Timeout"]
            for f in resources(templates[lab_id], "AWS::Lambda::Function").values()
            if "cleaner" in props(f).get("Description", "").lower()
            or "Empties" in props(f).get("Description", "")
        )
        assert function_timeout < int(properties["ServiceTimeout"]) < HOUR


def test_the_expiry_time_is_on_the_stack_and_its_schedule_but_no_resource(
    default_synth: Synthesized, templates: dict[str, Template]
) -> None:
    due = LabSettings(now=FIXED_NOW).expires_at
    assert due is not None
    for lab_id, template in templates.items():
        assert TAG_EXPIRES not in json.dumps(template["Resources"]), lab_id
        assert default_synth.stack_tags(lab_id)[TAG_EXPIRES] == expires_tag(due)
        assert template_schedule_time(template) == due


@CDK_GROUP
def test_a_redeploy_an_hour_later_changes_only_the_schedule_and_its_printed_time() -> None:
    first = synth_lab("LabAsg", LabSettings(now=FIXED_NOW))
    later = synth_lab("LabAsg", LabSettings(now=FIXED_NOW + timedelta(hours=1)))

    changed = {
        logical_id
        for logical_id, resource in first["Resources"].items()
        if later["Resources"].get(logical_id) != resource
    }
    assert changed == set(resources(first, "AWS::Scheduler::Schedule"))
    assert set(first["Resources"]) == set(later["Resources"])


def test_t4g_instances_and_launch_templates_launch_in_standard_credit_mode(
    templates: dict[str, Template],
) -> None:
    for lab_id in ("LabEc2", "LabAsg"):
        for template_resource in resources(templates[lab_id], "AWS::EC2::LaunchTemplate").values():
            data = props(template_resource)["LaunchTemplateData"]
            assert data["CreditSpecification"] == {"CpuCredits": "standard"}, lab_id
    (instance,) = resources(templates["LabEc2"], "AWS::EC2::Instance").values()
    assert props(instance)["CreditSpecification"] == {"CPUCredits": "standard"}
    assert set(lab_ids()) >= {"LabEc2", "LabAsg"}


def test_make_synth_does_not_pass_an_option_the_cli_ignores() -> None:
    makefile = (KIT / "Makefile").read_text()
    recipe = makefile.split("\nsynth:", 1)[1].split("\n\n", 1)[0]
    assert "cdk synth" in recipe
    assert "--all" not in recipe


def test_without_stack_tags_the_expiry_is_read_from_the_templates_schedule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The emulator keeps no stack tags: `labkit check`, leftovers and class status read the schedule."""
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Schedule": {
                "Type": "AWS::Scheduler::Schedule",
                "Properties": {"ScheduleExpression": "at(2030-01-01T08:00:00)"},
            },
        }
    }
    with mocked_session(monkeypatch) as session:
        session.client("cloudformation").create_stack(StackName="LabAsg", TemplateBody=json.dumps(template))
        stack = DeployedStack(name="LabAsg", stack_id="id", status="CREATE_COMPLETE", tags={})

        expiry = read_tagged_expiry(session, stack)

    assert expiry.tagged_at == datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    assert expiry.tag_source == "template schedule"
