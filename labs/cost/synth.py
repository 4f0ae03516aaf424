"""Synthesize the labs in-process (no CLI, no credentials) and keep their templates as plain dicts."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labs.cdk_json import feature_flags
from labs.registry import all_labs
from labs.settings import LabSettings
from labs.shared_facts import TAG_LAB
from labs.synthesis import synthesize

Template = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class SynthesizedLabs:
    """The labs' templates, and the same labs on CDK's defaults."""

    kit: dict[str, Template]
    # lab id -> the same lab on CDK's defaults; labs that build no network appear as they are
    cdk_defaults: dict[str, Template]


class AssemblyError(ValueError):
    """A cloud assembly folder that holds no template of a lab asked for."""


def templates_from_assembly(folder: Path, *, only: tuple[str, ...] = ()) -> dict[str, Template]:
    """Lab id -> template, read from a cloud assembly (the folder `cdk synth` writes) instead of synthesizing:
    each kit stack is the one tagged with its lab whose name ends with the lab's id (`<owner>-<Lab>`)."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise AssemblyError(f"{folder} holds no cloud assembly (no manifest.json): run `cdk synth` first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    found: dict[str, Template] = {}
    for name, artifact in manifest.get("artifacts", {}).items():
        properties = artifact.get("properties", {})
        lab_id = properties.get("tags", {}).get(TAG_LAB)
        if artifact.get("type") != "aws:cloudformation:stack" or lab_id not in all_labs():
            continue
        if (only and lab_id not in only) or not (name == lab_id or name.endswith(f"-{lab_id}")):
            continue
        found[lab_id] = json.loads((folder / properties["templateFile"]).read_text(encoding="utf-8"))
    missing = [lab_id for lab_id in only if lab_id not in found]
    if missing:
        raise AssemblyError(f"{folder} holds no template of {', '.join(missing)}: synthesize it first")
    return {lab_id: found[lab_id] for lab_id in all_labs() if lab_id in found}


def synthesize_labs(
    *,
    with_cdk_defaults: bool,
    settings: LabSettings | None = None,
    only: tuple[str, ...] = (),
    assembly: Path | None = None,
) -> SynthesizedLabs:
    """Synthesize every lab (or those of `only`), or read them from `assembly` (a `cdk synth` output
    folder), and their CDK-default twins when asked."""
    if assembly is not None:
        kit = templates_from_assembly(assembly, only=only)
    else:
        kit = synthesize_kit(settings or LabSettings(), only=only)
    return SynthesizedLabs(kit=kit, cdk_defaults=synthesize_cdk_defaults(kit) if with_cdk_defaults else {})


def synthesize_kit(settings: LabSettings, *, only: tuple[str, ...] = ()) -> dict[str, Template]:
    """Lab id -> the lab's template, as `cdk synth` would write it (every lab, or those of `only`)."""
    with tempfile.TemporaryDirectory(prefix="labkit-cost-") as outdir:
        return synthesize(settings, outdir=outdir, only=only).templates()


def synthesize_cdk_defaults(kit: Mapping[str, Template]) -> dict[str, Template]:
    """Lab id -> the lab on CDK's defaults: the labs whose descriptor names a baseline (those that build a
    network) rebuilt, the others as `kit` has them."""
    if not any(all_labs()[lab_id].cdk_defaults_class for lab_id in kit):
        return dict(kit)  # nothing to rebuild: no CDK to load
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
