"""The lab registry (each lab's id, stack, check and check options), building the labs, the in-process synth.

Reading the registry costs no CDK import (`labkit check` stays fast): each lab's stack class is imported
when the stacks are built, by `build_labs`, which app.py, the cost tool and the tests share.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labs.asg.spec import CHECK_OPTIONS as ASG_CHECK_OPTIONS
from labs.checks.options import CheckOption
from labs.contract import LAB_IDS

if TYPE_CHECKING:
    import boto3
    from aws_cdk import App
    from aws_cdk.cx_api import CloudAssembly

    from labs.checks.report import CheckReport
    from labs.checks.waiting import ProgressFactory
    from labs.constructs.lab_stack import LabStack
    from labs.settings import LabSettings

CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"


# check(session, *, stack_name, on_emulator, waiter=None, **the lab's own check options) -> CheckReport
LabCheck = Callable[..., "CheckReport"]


@dataclass(frozen=True, kw_only=True)
class Lab:
    lab_id: str
    # imports the lab's check module (boto3, the terminal) only when a check runs: app.py never does
    check_loader: Callable[[], LabCheck]
    # imports the lab's stack module, and so the CDK, only when a stack is built
    stack: Callable[[], Callable[..., LabStack]]
    check_options: tuple[CheckOption, ...] = ()

    @property
    def check(self) -> LabCheck:
        return self.check_loader()

    def run_check(
        self,
        *,
        session: boto3.Session,
        stack_name: str,
        on_emulator: bool,
        timeout_s: float | None = None,
        options: Mapping[str, bool] | None = None,
        progress: ProgressFactory | None = None,
    ) -> CheckReport:
        """Run this lab's check; `options` are its declared check options by keyword (self_heal=True).

        `progress` replaces the live status line of its waits (checks run side by side show none).
        """
        from labs.checks.waiting import DEFAULT_TIMEOUT_S, Waiter

        chosen = {name for name, on in (options or {}).items() if on}
        own = {option.keyword: option for option in self.check_options}
        foreign = sorted(chosen - own.keys())
        if foreign:
            flags = ", ".join("--" + name.replace("_", "-") for name in foreign)
            raise ValueError(f"{flags} applies to {labs_declaring(foreign[0])} only")
        if timeout_s is None:
            timeout_s = max(
                [DEFAULT_TIMEOUT_S, *(own[name].timeout_s or DEFAULT_TIMEOUT_S for name in chosen)]
            )
        waiter = Waiter.for_run(on_emulator=on_emulator, timeout_s=timeout_s)
        if progress is not None:
            waiter.progress = progress
        keywords = {name: name in chosen for name in own}
        return self.check(session, stack_name=stack_name, on_emulator=on_emulator, waiter=waiter, **keywords)


def _ec2_check() -> LabCheck:
    from labs.ec2.check import check

    return check


def _asg_check() -> LabCheck:
    from labs.asg.check import check

    return check


def _ddb_stream_check() -> LabCheck:
    from labs.ddb_stream.check import check

    return check


def _step_function_check() -> LabCheck:
    from labs.step_function.check import check

    return check


def _ec2_stack() -> Callable[..., LabStack]:
    from labs.ec2.stack import LabEc2Stack

    return LabEc2Stack


def _asg_stack() -> Callable[..., LabStack]:
    from labs.asg.stack import LabAsgStack

    return LabAsgStack


def _ddb_stream_stack() -> Callable[..., LabStack]:
    from labs.ddb_stream.stack import LabDdbStreamStack

    return LabDdbStreamStack


def _step_function_stack() -> Callable[..., LabStack]:
    from labs.step_function.stack import LabStepFunctionStack

    return LabStepFunctionStack


LABS: dict[str, Lab] = {
    lab.lab_id: lab
    for lab in (
        Lab(lab_id="LabEc2", check_loader=_ec2_check, stack=_ec2_stack),
        Lab(lab_id="LabAsg", check_loader=_asg_check, stack=_asg_stack, check_options=ASG_CHECK_OPTIONS),
        Lab(lab_id="LabDdbStream", check_loader=_ddb_stream_check, stack=_ddb_stream_stack),
        Lab(lab_id="LabStepFunction", check_loader=_step_function_check, stack=_step_function_stack),
    )
}
if tuple(LABS) != LAB_IDS:  # pragma: no cover - a lab added to one list and not the other
    raise RuntimeError(f"the registry lists {tuple(LABS)}, the contract {LAB_IDS}")


def lab(lab_id: str) -> Lab:
    """The lab with this id; a ValueError that lists the labs for any other id."""
    if lab_id not in LABS:
        raise ValueError(f"unknown lab {lab_id!r}: choose one of {', '.join(LAB_IDS)}")
    return LABS[lab_id]


def check_options() -> list[tuple[Lab, CheckOption]]:
    """Every lab's declared check options, with the lab that declares each."""
    return [(lab, option) for lab in LABS.values() for option in lab.check_options]


def labs_declaring(keyword: str) -> str:
    return ", ".join(lab.lab_id for lab, option in check_options() if option.keyword == keyword) or "no lab"


def build_labs(app: App, settings: LabSettings) -> dict[str, LabStack]:
    """One independent stack per lab, keyed by lab id (LabEc2, LabAsg, LabDdbStream, LabStepFunction)."""
    return {lab_id: lab.stack()(app, settings=settings) for lab_id, lab in LABS.items()}


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


def synthesize(
    settings: LabSettings, *, outdir: str, context: Mapping[str, Any] | None = None
) -> Synthesized:
    """The labs without the CLI or credentials, with cdk.json's feature flags as the CLI would pass them
    (and `context`, e.g. a landing zone's `@aws-cdk/core:bootstrapQualifier`)."""
    from aws_cdk import App

    app = App(outdir=outdir, context={**feature_flags(), **(context or {})})
    stacks = build_labs(app, settings)
    return Synthesized(stacks, app.synth())
