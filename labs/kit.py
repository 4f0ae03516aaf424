"""Builds the four lab stacks into an app from settings that app.py (or a test) resolved."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import App
from aws_cdk.cx_api import CloudAssembly

from labs.asg.stack import LabAsgStack
from labs.common.lab_stack import LabStack
from labs.ddb_stream.stack import LabDdbStreamStack
from labs.ec2.stack import LabEc2Stack
from labs.settings import LAB_IDS, LabSettings
from labs.step_function.stack import LabStepFunctionStack

CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"

LAB_STACKS: tuple[type[LabEc2Stack | LabAsgStack | LabDdbStreamStack | LabStepFunctionStack], ...] = (
    LabEc2Stack,
    LabAsgStack,
    LabDdbStreamStack,
    LabStepFunctionStack,
)


def build_labs(app: App, settings: LabSettings) -> dict[str, LabStack]:
    """One independent stack per lab, keyed by lab id (LabEc2, LabAsg, LabDdbStream, LabStepFunction)."""
    stacks: list[LabStack] = [lab(app, settings=settings) for lab in LAB_STACKS]
    return {stack.lab_id: stack for stack in stacks}


def feature_flags(cdk_json: Path = CDK_JSON) -> dict[str, Any]:
    """cdk.json's feature flags, so an in-process synth makes the templates `cdk deploy` would."""
    if not cdk_json.is_file():
        return {}
    context: dict[str, Any] = json.loads(cdk_json.read_text(encoding="utf-8")).get("context", {})
    return {key: value for key, value in context.items() if key.startswith("@")}


@dataclass(frozen=True)
class Synthesized:
    """One in-process synth of the four labs: the stack objects and the cloud assembly."""

    stacks: dict[str, LabStack]
    assembly: CloudAssembly

    def templates(self) -> dict[str, dict[str, Any]]:
        """Lab id -> template, as `cdk synth` would write it."""
        return {lab: self.assembly.get_stack_by_name(self.stacks[lab].stack_name).template for lab in LAB_IDS}

    def stack_tags(self, lab_id: str) -> dict[str, str]:
        return dict(self.assembly.get_stack_by_name(self.stacks[lab_id].stack_name).tags)


def synthesize(settings: LabSettings, *, outdir: str) -> Synthesized:
    """The labs without the CLI or credentials, with cdk.json's feature flags as the CLI would pass them."""
    app = App(outdir=outdir, context=feature_flags())
    stacks = build_labs(app, settings)
    return Synthesized(stacks, app.synth())
