"""Building the labs into a CDK app, and the one in-process synth the tools and tests share.

app.py builds the labs with `build_labs`; `labkit cost`, the class tooling, bench and the tests synthesize
without the CLI or credentials with `synthesize`, which passes cdk.json's feature flags as the CLI would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from labs.cdk_json import feature_flags
from labs.registry import all_labs

if TYPE_CHECKING:
    from aws_cdk import App
    from aws_cdk.cx_api import CloudAssembly

    from labs.constructs.lab_stack import LabStack
    from labs.settings import LabSettings


def build_labs(app: App, settings: LabSettings, *, only: tuple[str, ...] = ()) -> dict[str, LabStack]:
    """One independent stack per lab (or per lab of `only`), keyed by lab id, in the chapter's order."""
    # every lab's stack class derives from LabStack (tests/labs/test_kit_promises.py proves it)
    return {
        lab_id: cast("LabStack", lab.stack()(app, settings=settings))
        for lab_id, lab in all_labs().items()
        if not only or lab_id in only
    }


@dataclass(frozen=True)
class Synthesized:
    """One in-process synth of the labs: the stack objects and the cloud assembly."""

    stacks: dict[str, LabStack]
    assembly: CloudAssembly

    def templates(self) -> dict[str, dict[str, Any]]:
        """Lab id -> template, as `cdk synth` would write it."""
        return {
            lab_id: self.assembly.get_stack_by_name(stack.stack_name).template
            for lab_id, stack in self.stacks.items()
        }

    def stack_tags(self, lab_id: str) -> dict[str, str]:
        """The stack-level tags `cdk deploy` would give the lab's stack."""
        return dict(self.assembly.get_stack_by_name(self.stacks[lab_id].stack_name).tags)


def synthesize(
    settings: LabSettings,
    *,
    outdir: str,
    context: Mapping[str, Any] | None = None,
    only: tuple[str, ...] = (),
) -> Synthesized:
    """The labs (or the labs of `only`) without the CLI or credentials, with cdk.json's feature flags as the
    CLI would pass them (and `context`, e.g. a landing zone's `@aws-cdk/core:bootstrapQualifier`)."""
    from aws_cdk import App

    app = App(outdir=outdir, context={**feature_flags(), **(context or {})})
    stacks = build_labs(app, settings, only=only)
    return Synthesized(stacks, app.synth())
