"""LabColdStart's facts, shared by its stack, its check and `labkit coldstart` without loading the CDK."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labs.constructs.function_facts import ASSET_EXCLUDES, LAMBDA_SRC, CodeSource
from labs.cost.prices import load_prices

LAB_ID = "LabColdStart"
ALIAS = "live"
# `cdk deploy LabColdStart -c provisionedConcurrency=1`: off by default, a class would pay for it idle
PROVISIONED_CONTEXT = "provisionedConcurrency"
MAX_PROVISIONED = 2
PROFILE_VARIABLE = "COLDSTART_PROFILE"
LIGHT, HEAVY = "light", "heavy"
# the handler of the kit's code (lambda_src/coldstart/handler.py, deployed as the asset's root)
HANDLER = "handler.handler"
# the kit's handler file alone, deployed as the asset's root: a small package initialises faster
COLDSTART_CODE = CodeSource(LAMBDA_SRC / "coldstart", (*ASSET_EXCLUDES, "__init__.py"))
TIMEOUT_S = 10
STARTER_TEMPLATE = Path(__file__).resolve().with_name("starter.py.tmpl")


@dataclass(frozen=True, kw_only=True)
class FunctionRole:
    """One of the lab's functions: its construct id (the logical id's prefix), profile and memory."""

    construct_id: str
    label: str
    profile: str
    memory_mb: int


LIGHT_128 = FunctionRole(construct_id="Light", label="light 128 MB", profile=LIGHT, memory_mb=128)
HEAVY_128 = FunctionRole(construct_id="Heavy128", label="heavy 128 MB", profile=HEAVY, memory_mb=128)
# Lambda gives CPU in proportion to memory: 1024 MB gets 8x the CPU share of 128 MB
HEAVY_1024 = FunctionRole(construct_id="Heavy1024", label="heavy 1024 MB", profile=HEAVY, memory_mb=1024)
FUNCTIONS = (LIGHT_128, HEAVY_128, HEAVY_1024)


def provisioned_usd_per_hour(memory_mb: int = LIGHT_128.memory_mb, count: int = 1) -> float:
    """What `count` provisioned arm64 environments of `memory_mb` cost per hour, invoked or not (the kit's
    price table; at 128 MB about $0.0015 an hour)."""
    return load_prices().provisioned_concurrency(memory_mb=memory_mb, environments=count)


def invoke_event(_user_id: str) -> dict[str, str]:
    """The event the hands-on's invocations send (`aws lambda invoke` with no payload: `{}`)."""
    return {}


def parse_provisioned(value: object) -> int:
    """`-c provisionedConcurrency=1`: 0 (off, the default) up to MAX_PROVISIONED; a ValueError otherwise."""
    if value is None or value == "":
        return 0
    text = str(value).strip().lower()
    if text in {"false", "off", "no"}:
        return 0
    if text in {"true", "on", "yes"}:
        return 1
    if not text.isdigit() or int(text) > MAX_PROVISIONED:
        raise ValueError(
            f"{PROVISIONED_CONTEXT} must be 0 to {MAX_PROVISIONED} (environments kept warm for alias "
            f"'{ALIAS}'), not {value!r}"
        )
    return int(text)


# the check's items that grade the handler (its invocations, then step 1's cold and warm start)
INVOCATIONS_ITEM = "Invocations"
COLD_ITEM = "Cold start"
WARM_ITEM = "Warm start"

# the hands-on's steps in the course's order: the starter handler's TODOs and the check's hints name them
STEPS = (
    "log each invocation with Powertools Logger, Lambda context injected, so each line carries cold_start",
    f"do the heavy work at init: when {PROFILE_VARIABLE} is {HEAVY}, import boto3 and create its clients at "
    "module level, once per execution environment",
)
