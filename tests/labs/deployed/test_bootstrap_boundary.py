"""Wherever the kit prints or runs `cdk bootstrap` under a boundary, every bootstrap role gets it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from labs.demo.landing_zone import LandingZone
from labs.deployed.bootstrap import APPLY_BOUNDARY_TO_ALL_ROLES, Bootstrap

KIT = Path(__file__).resolve().parents[3]
BOOTSTRAP_TEMPLATE = KIT / "node_modules/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml"
LANDING_ZONE = Bootstrap(qualifier="lz01", toolkit_stack_name="LzToolkit")


def test_the_printed_bootstrap_command_bounds_all_roles_when_a_boundary_is_set() -> None:
    command = LANDING_ZONE.bootstrap_command("111111111111", "eu-west-1", boundary="LabBoundary")

    assert command == (
        "cdk bootstrap aws://111111111111/eu-west-1 --qualifier lz01 --toolkit-stack-name LzToolkit "
        "--custom-permissions-boundary LabBoundary --apply-permissions-boundary-to-all-roles"
    )
    assert "boundary" not in LANDING_ZONE.bootstrap_command("111111111111", "eu-west-1")


def test_a_boundary_given_by_arn_keeps_its_path_as_the_bootstrap_template_builds_the_arn_from_it() -> None:
    command = LANDING_ZONE.bootstrap_command(
        "111111111111", "eu-west-1", boundary="arn:aws:iam::111111111111:policy/lz/LabBoundary"
    )
    assert "--custom-permissions-boundary lz/LabBoundary --apply-permissions-boundary-to-all-roles" in command


def test_the_demos_rehearsal_bootstraps_with_the_boundary_on_all_roles() -> None:
    zone = LandingZone.from_options(["permissionsBoundary=LabBoundary"])
    assert zone.bootstrap_args()[-3:] == [
        "--custom-permissions-boundary",
        "LabBoundary",
        APPLY_BOUNDARY_TO_ALL_ROLES,
    ]


def test_the_pinned_bootstrap_template_bounds_the_other_roles_only_with_that_option() -> None:
    """The option the kit passes is the one the pinned CLI's template reads for every role but one."""
    text = BOOTSTRAP_TEMPLATE.read_text()
    template = yaml.load(text, Loader=_CloudFormationLoader)
    roles = {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::IAM::Role"
    }
    bounded_if_all = [
        name for name, props in roles.items() if "ShouldApplyPermissionsBoundaryToAllRoles" in str(props)
    ]
    assert {"DeploymentActionRole", "LookupRole", "FilePublishingRole", "ImagePublishingRole"} <= set(
        bounded_if_all
    )
    assert "ApplyPermissionsBoundaryToAllRoles" in template["Parameters"]


def test_the_readme_bootstrap_command_passes_both_options() -> None:
    readme = (KIT / "README.md").read_text().replace("\\\n", " ")  # continued lines as one
    commands = re.findall(r"^\s*cdk bootstrap .*$", readme, flags=re.MULTILINE)
    bounded = [command for command in commands if "--custom-permissions-boundary" in command]

    assert bounded, "the README shows no bootstrap under a boundary"
    assert all(APPLY_BOUNDARY_TO_ALL_ROLES in command for command in bounded)


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags (!Ref, !Sub, ...), read as plain values."""


_CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: str(getattr(node, "value", "")))
