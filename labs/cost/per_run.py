"""What a lab costs each time it is used rather than by the hour: an AWS FIS experiment, per action-minute."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from labs.cost.prices import CostError, PriceTable

FIS_TEMPLATE = "AWS::FIS::ExperimentTemplate"
# FIS actions' ISO 8601 durations (PT2M, PT90S, PT1H): the parameters that say how long an action lasts
_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")
_DURATION_PARAMETERS = ("duration", "durationBeforeInterruption")


@dataclass(frozen=True, kw_only=True)
class PerRun:
    """A charge for each use: what it is and what one use costs."""

    logical_id: str
    what: str
    usd_per_run: float


def action_minutes(action: Mapping[str, Any]) -> int:
    """How many minutes FIS bills an action for: its duration rounded to the minute, at least one."""
    parameters = action.get("Parameters") or {}
    text = next((str(parameters[p]) for p in _DURATION_PARAMETERS if p in parameters), "PT1M")
    match = _DURATION.match(text)
    if match is None:
        raise CostError(f"an FIS action's duration {text!r} is not an ISO 8601 duration the kit can price")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return max(1, math.floor(hours * 60 + minutes + seconds / 60 + 0.5))


def per_run_costs(template: Mapping[str, Any], prices: PriceTable) -> Iterator[PerRun]:
    """Each FIS experiment template's cost per run: its actions' minutes at FIS's price per action-minute."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != FIS_TEMPLATE:
            continue
        actions = (resource.get("Properties") or {}).get("Actions") or {}
        minutes = sum(action_minutes(action) for action in actions.values())
        try:
            unit = prices.usd_per_use["fis_action_minute"]
        except KeyError:
            raise CostError(f"{logical_id}: the price table has no FIS action-minute price") from None
        yield PerRun(
            logical_id=logical_id,
            what=f"AWS FIS experiment: {minutes} action-minute(s) at ${unit:.2f}",
            usd_per_run=minutes * unit,
        )
