"""Builds the four lab stacks into an app from settings that app.py (or a test) resolved."""

from __future__ import annotations

from aws_cdk import App

from labs.asg.stack import LabAsgStack
from labs.common.lab_stack import LabStack
from labs.ddb_stream.stack import LabDdbStreamStack
from labs.ec2.stack import LabEc2Stack
from labs.settings import LabSettings
from labs.step_function.stack import LabStepFunctionStack

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
