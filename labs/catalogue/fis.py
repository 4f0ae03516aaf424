"""AWS Fault Injection Service's experiment template: $0 while idle, each experiment run billed per
action-minute (aws.amazon.com/fis/pricing), which `labkit cost` shows per run beside the hourly figure."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from labs.catalogue.entry import ByUse, Leftovers, ResourceType
from labs.cost.items import PerRun
from labs.cost.prices import CostError

if TYPE_CHECKING:
    from labs.catalogue.entry import Pricing, Properties

# FIS actions' ISO 8601 durations (PT2M, PT90S, PT1H): the parameters that say how long an action lasts
_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")
_DURATION_PARAMETERS = ("duration", "durationBeforeInterruption")
# the price table's key for an action-minute (labs/cost/prices.json, usd_per_use)
ACTION_MINUTE = "fis_action_minute"


def action_minutes(action: Mapping[str, Any]) -> int:
    """How many minutes FIS bills an action for: its duration rounded to the minute, at least one."""
    parameters = action.get("Parameters") or {}
    text = next((str(parameters[p]) for p in _DURATION_PARAMETERS if p in parameters), "PT1M")
    match = _DURATION.match(text)
    if match is None:
        raise CostError(f"an FIS action's duration {text!r} is not an ISO 8601 duration the kit can price")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return max(1, math.floor(hours * 60 + minutes + seconds / 60 + 0.5))


def price_experiment_run(pricing: Pricing, logical_id: str, props: Properties) -> Iterator[PerRun]:
    """One run of the template's experiment: its actions' minutes at FIS's price per action-minute."""
    minutes = sum(action_minutes(action) for action in (props.get("Actions") or {}).values())
    try:
        unit = pricing.prices.usd_per_use[ACTION_MINUTE]
    except KeyError:
        raise CostError(f"{logical_id}: the price table has no FIS action-minute price") from None
    yield PerRun(
        logical_id=logical_id,
        what=f"AWS FIS experiment: {minutes} action-minute(s) at ${unit:.2f}",
        usd_per_run=minutes * unit,
    )


EXPERIMENT_TEMPLATE = ResourceType(
    cfn_type="AWS::FIS::ExperimentTemplate",
    price=ByUse(per_run=price_experiment_run),
    deploy_actions=(
        "fis:CreateExperimentTemplate",
        "fis:UpdateExperimentTemplate",
        "fis:GetExperimentTemplate",
        "fis:DeleteExperimentTemplate",
        "fis:TagResource",
        "iam:PassRole",
    ),
    leftovers=Leftovers(tag_arn="fis:experiment-template"),
)
