"""The README's landing-zone section: what the platform team allows, adds or exempts; what AWS keeps."""

from __future__ import annotations

from pathlib import Path

from labs.preflight.service_roles import AUTO_SCALING_ROLE, BATCH, KEY_GRANT_ACTION, KEY_USE_ACTIONS

README = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    return README.split(title, 1)[1].split("\n#", 1)[0]


def test_the_organisation_rule_exemptions_are_named() -> None:
    text = section("### Organisation rules on IAM")
    for exemption in (
        "iam:PassRole",
        "iam:CreateInstanceProfile",
        "iam:CreateServiceLinkedRole",
        AUTO_SCALING_ROLE,
        BATCH.role,
        BATCH.service,
    ):
        assert exemption in text, exemption


def test_what_the_platform_team_adds_to_a_customer_managed_ebs_key_is_named() -> None:
    text = section("### A customer managed default EBS key")
    for action in (*KEY_USE_ACTIONS, KEY_GRANT_ACTION, "kms:GrantIsForAWSResource"):
        assert f"`{action}`" in text, action
    assert "Client.InternalError" in text


def test_the_zone_rule_and_the_subnet_conflict_are_documented() -> None:
    text = section("### Zones")
    assert "default subnet" in text
    assert "alphabetical" in text
    assert "InvalidSubnet.Conflict" in text
    assert "10.0.0.128/28" in text


def test_leaves_nothing_behind_names_what_aws_keeps() -> None:
    text = README.split("leaves nothing of the lab behind", 1)[1].split("\n## ", 1)[0]
    assert "bootstrap bucket" in text
    assert AUTO_SCALING_ROLE in text
    assert BATCH.role in text
    assert "resource policy" in text


def test_the_preflight_lines_the_readme_names_are_the_ones_preflight_prints() -> None:
    table = README.split("## Landing zones", 1)[1].split("### ", 1)[0]
    for check in (
        "permissions boundary allows what <Lab> needs (iam:SimulateCustomPolicy)",
        "Auto Scaling service-linked role AWSServiceRoleForAutoScaling exists",
        "the default EBS key lets Auto Scaling launch encrypted volumes",
        "quota Lambda concurrent executions (lambda L-B99A9384)",
        "quota Fargate On-Demand vCPUs (fargate L-3032A538)",
        "Batch service-linked role AWSServiceRoleForBatch exists",
        "zones CloudFormation picks for <Lab> (Fn::GetAZs)",
    ):
        assert check in table, check
