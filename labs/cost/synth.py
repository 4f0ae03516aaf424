"""Synthesize the labs in-process (no CLI, no credentials) and keep their templates as plain dicts."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labs.cdk_json import feature_flags
from labs.registry import all_labs
from labs.settings import LabSettings
from labs.synthesis import synthesize

Template = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class SynthesizedLabs:
    """The labs' templates, and the same labs on CDK's defaults."""

    kit: dict[str, Template]
    # lab id -> the same lab on CDK's defaults; labs that build no network appear as they are
    cdk_defaults: dict[str, Template]


def synthesize_labs(*, with_cdk_defaults: bool, settings: LabSettings | None = None) -> SynthesizedLabs:
    """Synthesize every lab, and their CDK-default twins when asked."""
    kit = synthesize_kit(settings or LabSettings())
    return SynthesizedLabs(kit=kit, cdk_defaults=synthesize_cdk_defaults(kit) if with_cdk_defaults else {})


def synthesize_kit(settings: LabSettings) -> dict[str, Template]:
    """Lab id -> the lab's template, as `cdk synth` would write it."""
    with tempfile.TemporaryDirectory(prefix="labkit-cost-") as outdir:
        return synthesize(settings, outdir=outdir).templates()


def synthesize_cdk_defaults(kit: Mapping[str, Template]) -> dict[str, Template]:
    """Lab id -> the lab on CDK's defaults: the labs whose descriptor names a baseline (those that build a
    network) rebuilt, the others as `kit` has them."""
    from aws_cdk import App, Stack

    with tempfile.TemporaryDirectory(prefix="labkit-cost-") as outdir:
        app = App(outdir=outdir, context=feature_flags())
        # the descriptor types a baseline loosely (it is imported lazily): each one is a Stack
        twins: dict[str, Stack] = {
            lab_id: baseline(app, f"CdkDefaults{lab_id}")
            for lab_id, described in all_labs().items()
            if lab_id in kit and (baseline := described.cdk_defaults_stack()) is not None
        }
        assembly = app.synth()
        rebuilt = {
            lab_id: assembly.get_stack_by_name(stack.stack_name).template for lab_id, stack in twins.items()
        }
    return {lab_id: rebuilt.get(lab_id, template) for lab_id, template in kit.items()}
