"""Synthesize the four labs in-process, once per settings, and read templates as plain dicts."""

from __future__ import annotations

import atexit
import functools
import json
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from labs import synthesis
from labs.cdk_json import feature_flags
from labs.registry import lab
from labs.settings import LabSettings
from labs.synthesis import Synthesized

# a fixed synth clock keeps the expiry time, and so every snapshot, deterministic
FIXED_NOW = datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC)
_ASSET_HASH = re.compile(r"[0-9a-f]{64}")

Template = dict[str, Any]
# pytest-xdist (--dist loadgroup) sends this group to one worker: one jsii kernel, one synth of each
CDK_GROUP = pytest.mark.xdist_group("cdk")


@functools.cache
def _scratch_root() -> str:
    root = tempfile.mkdtemp(prefix="labkit-tests-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def scratch_dir(prefix: str = "labkit-synth-") -> str:
    """A directory for one synth's output, removed with the others when the test process exits."""
    return tempfile.mkdtemp(prefix=prefix, dir=_scratch_root())


def synthesize(settings: LabSettings, context: dict[str, Any] | None = None) -> Synthesized:
    """The four labs, synthesized into a throwaway directory."""
    return synthesis.synthesize(settings, outdir=scratch_dir(), context=context)


def synth_lab(lab_id: str, settings: LabSettings) -> Template:
    """One lab's template, synthesized alone (a quarter of the four labs' synth time)."""
    from aws_cdk import App

    app = App(outdir=scratch_dir(), context=feature_flags())
    stack = lab(lab_id).stack()(app, settings=settings)
    template: Template = app.synth().get_stack_by_name(stack.stack_name).template
    return template


def synth_labs(settings: LabSettings) -> dict[str, Template]:
    """lab id -> synthesized template."""
    return synthesize(settings).templates()


def normalized(template: Template) -> Template:
    """The template with asset hashes masked, so a Lambda code edit does not churn every snapshot."""
    return json.loads(_ASSET_HASH.sub("<asset-hash>", json.dumps(template)))


def resources(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def only(template: Template, resource_type: str) -> dict[str, Any]:
    found = list(resources(template, resource_type).values())
    assert len(found) == 1, f"expected one {resource_type}, found {len(found)}"
    return found[0]


def props(resource: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = resource.get("Properties", {})
    return properties


def statements(template: Template, role_logical_id: str) -> list[dict[str, Any]]:
    """Every policy statement attached to one role, from inline and AWS::IAM::Policy resources."""
    found: list[dict[str, Any]] = []
    for policy in resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role_logical_id} in props(policy)["Roles"]:
            found.extend(props(policy)["PolicyDocument"]["Statement"])
    return found


def role_of(function: dict[str, Any]) -> str:
    role_ref: str = props(function)["Role"]["Fn::GetAtt"][0]
    return role_ref


def write_template(template: Template, directory: Path, name: str) -> Path:
    path = directory / f"{name}.template.json"
    path.write_text(json.dumps(template))
    return path


def resolve(value: Any, physical: dict[str, str]) -> Any:
    """A template value (an output's command) with Ref, Fn::GetAtt and Fn::Join resolved from `physical`:
    logical id (or `id.Attribute`, or a pseudo parameter) -> the value AWS would give it."""
    if isinstance(value, dict) and len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Ref":
            return physical[argument]
        if function == "Fn::GetAtt":
            return physical[".".join(argument)]
        if function == "Fn::Join":
            separator, parts = argument
            return separator.join(str(resolve(part, physical)) for part in parts)
    return value
