"""The CDK bootstrap a deploy relies on: its qualifier, its toolkit stack, the names derived from both.

A landing zone's platform team often bootstraps with its own qualifier and toolkit stack name. The
templates read the qualifier from the context key `@aws-cdk/core:bootstrapQualifier`; the CLI reads the
toolkit stack name from cdk.json's `toolkitStackName` or `--toolkit-stack-name`. The kit's tooling (the
demo's bootstrap, preflight, the expiry's reliance on the execution role) reads them here, from the same
places, so one setting reaches every part.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labs.cdk_json import KIT_CDK_JSON, cdk_json_context, read_cdk_json
from labs.settings import SettingsError

QUALIFIER_CONTEXT = "@aws-cdk/core:bootstrapQualifier"
# cdk.json's top-level key for the CLI's --toolkit-stack-name
TOOLKIT_STACK_SETTING = "toolkitStackName"
DEFAULT_QUALIFIER = "hnb659fds"
DEFAULT_TOOLKIT_STACK = "CDKToolkit"
# `cdk bootstrap --help` of the pinned CLI (2.1148.1)
APPLY_BOUNDARY_TO_ALL_ROLES = "--apply-permissions-boundary-to-all-roles"
# CDK's bootstrap template: Qualifier's AllowedPattern
_QUALIFIER = re.compile(r"^[A-Za-z0-9_-]{1,10}$")
# CloudFormation stack names
_STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")


def context_options(items: Sequence[str]) -> dict[str, str]:
    """`-c key=value` options, as the CDK CLI takes them, into a context mapping."""
    context = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise BootstrapSettingError(
                f"-c {item!r}: give context as key=value (for example -c owner=alice)"
            )
        context[key.strip()] = value.strip()
    return context


def cdk_context(
    overrides: Mapping[str, Any] | None = None, *, cdk_json: Path = KIT_CDK_JSON
) -> dict[str, Any]:
    """cdk.json's context with `-c` overrides on top, as `cdk synth` sees it."""
    return {**cdk_json_context(cdk_json), **(overrides or {})}


class BootstrapSettingError(SettingsError):
    """A qualifier or toolkit stack name that CDK's bootstrap would refuse."""


@dataclass(frozen=True, kw_only=True)
class Bootstrap:
    """The CDK bootstrap a deploy uses: its qualifier and toolkit stack."""

    qualifier: str = DEFAULT_QUALIFIER
    toolkit_stack_name: str = DEFAULT_TOOLKIT_STACK

    def __post_init__(self) -> None:
        if not _QUALIFIER.match(self.qualifier):
            raise BootstrapSettingError(
                f"{QUALIFIER_CONTEXT}={self.qualifier!r}: a bootstrap qualifier is 1-10 letters, digits, "
                "_ or - (for example lz01)"
            )
        if not _STACK_NAME.match(self.toolkit_stack_name):
            raise BootstrapSettingError(
                f"{TOOLKIT_STACK_SETTING}={self.toolkit_stack_name!r} is not a CloudFormation stack name"
            )

    @classmethod
    def configured(
        cls,
        context: Mapping[str, Any] | None = None,
        *,
        toolkit_stack_name: str | None = None,
        cdk_json: Path = KIT_CDK_JSON,
    ) -> Bootstrap:
        """cdk.json's qualifier and toolkit stack name, overridden by `-c` context and the CLI option."""
        settings = read_cdk_json(cdk_json)
        merged = cdk_context(context, cdk_json=cdk_json)
        qualifier = str(merged.get(QUALIFIER_CONTEXT) or DEFAULT_QUALIFIER)
        toolkit = toolkit_stack_name or settings.get(TOOLKIT_STACK_SETTING) or DEFAULT_TOOLKIT_STACK
        return cls(qualifier=qualifier, toolkit_stack_name=str(toolkit))

    @property
    def version_parameter(self) -> str:
        """The SSM parameter every template's BootstrapVersion rule reads."""
        return f"/cdk-bootstrap/{self.qualifier}/version"

    def execution_role_name(self, account: str, region: str) -> str:
        """The role CloudFormation runs a lab's stack as; the expiry's DeleteStack relies on it."""
        return f"cdk-{self.qualifier}-cfn-exec-role-{account}-{region}"

    def cli_options(self) -> list[str]:
        """What `cdk bootstrap` needs to make (and `cdk deploy`/`destroy` to find) this bootstrap."""
        return ["--qualifier", self.qualifier, "--toolkit-stack-name", self.toolkit_stack_name]

    def bootstrap_command(self, account: str, region: str, *, boundary: str | None = None) -> str:
        """The whole `cdk bootstrap` command line, with the boundary on all its roles when one is required."""
        options = [*self.cli_options(), *boundary_options(boundary)]
        return f"cdk bootstrap aws://{account}/{region} {' '.join(options)}"


def boundary_path(boundary: str) -> str:
    """`lz/LabBoundary` for arn:aws:iam::111111111111:policy/lz/LabBoundary; a name stays a name."""
    return boundary.split(":policy/", 1)[-1]


def boundary_options(boundary: str | None) -> list[str]:
    """`cdk bootstrap`'s options that put the boundary on every bootstrap role, not only the execution role.

    The pinned CLI's bootstrap-template.yaml builds the ARN as `policy/${InputPermissionsBoundary}` and
    applies it to the deploy, lookup and publishing roles only under `ApplyPermissionsBoundaryToAllRoles`;
    without `--apply-permissions-boundary-to-all-roles` those roles are created unbounded, which a rule
    "a boundary is required on iam:CreateRole" refuses.
    """
    if not boundary:
        return []
    return ["--custom-permissions-boundary", boundary_path(boundary), APPLY_BOUNDARY_TO_ALL_ROLES]


def required_version(template: Mapping[str, Any]) -> int | None:
    """The lowest bootstrap version a synthesized template accepts (its CheckBootstrapVersion rule)."""
    rule = template.get("Rules", {}).get("CheckBootstrapVersion", {})
    for assertion in rule.get("Assertions", []):
        text = json.dumps(assertion.get("Assert", {}))
        # {"Fn::Not": [{"Fn::Contains": [["1", "2", "3", "4", "5"], {"Ref": "BootstrapVersion"}]}]}
        versions = re.findall(r'"(\d+)"', text)
        if versions:
            return max(int(version) for version in versions) + 1
    return None
