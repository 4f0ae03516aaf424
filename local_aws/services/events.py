"""EventBridge parity fix: a rule's Lambda target is invoked, as the Spot lab's event filter needs.

What AWS does (EventBridge user guide: "Using resource-based policies for Amazon EventBridge", Lambda
permissions; Lambda developer guide: "Invoking Lambda with events from other AWS services"): a rule whose
target is a Lambda function invokes it asynchronously with the event (time as an ISO 8601 string), provided
the function's resource-based policy lets events.amazonaws.com call lambda:InvokeFunction (with the rule's
ARN when the statement names a SourceArn); otherwise the invocation fails and nothing runs.
"""

from __future__ import annotations

import copy
import fnmatch
import functools
import json
import queue
import threading
from datetime import UTC, datetime
from typing import Any

from local_aws.fixes import EmulatorGap, ParityFix, parity_fix
from local_aws.moto_bridge import moto_name, original, replace
from local_aws.services.awslambda.runtime import service

EVENTS_PRINCIPAL = "events.amazonaws.com"
_INVOKE_ACTIONS = ("lambda:InvokeFunction", "lambda:*", "*")
# one queue and worker per function: its events run one after the other, in the order they came
_queues: dict[str, queue.SimpleQueue[tuple[Any, dict[str, Any]]]] = {}
_lock = threading.Lock()


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def permits(statements: list[dict[str, Any]], rule_arn: str) -> bool:
    """Whether the function's policy lets EventBridge invoke it for this rule."""
    for statement in statements:
        principal = statement.get("Principal", {})
        services = _as_list(principal.get("Service", [])) if isinstance(principal, dict) else [str(principal)]
        actions = _as_list(statement.get("Action", []))
        if statement.get("Effect") != "Allow" or not ({EVENTS_PRINCIPAL, "*"} & set(services)):
            continue
        if not any(action in _INVOKE_ACTIONS for action in actions):
            continue
        conditions = statement.get("Condition") or {}
        sources = [
            pattern
            for operator in conditions.values()
            for key, value in operator.items()
            if key.lower() == "aws:sourcearn"
            for pattern in _as_list(value)
        ]
        if not sources or any(fnmatch.fnmatchcase(rule_arn, pattern) for pattern in sources):
            return True
    return False


def lambda_event(event: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """What the function receives: the target's constant Input, else the event as EventBridge sends it."""
    if target.get("Input"):
        constant: dict[str, Any] = json.loads(target["Input"])
        return constant
    sent = {key: value for key, value in event.items() if key != "ingestion-time"}
    if isinstance(sent.get("time"), int | float):
        sent["time"] = datetime.fromtimestamp(float(sent["time"]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return sent


def _drain(work: queue.SimpleQueue[tuple[Any, dict[str, Any]]]) -> None:
    while True:
        function, event = work.get()
        # an asynchronous invocation's error goes to the function's log; nothing waits for its answer
        service.run(function, event)


def deliver(function: Any, event: dict[str, Any]) -> None:
    """Queue an asynchronous invocation of the function with the event."""
    with _lock:
        work = _queues.get(function.function_arn)
        if work is None:
            work = _queues[function.function_arn] = queue.SimpleQueue()
            threading.Thread(target=_drain, args=(work,), name="eventbridge-lambda", daemon=True).start()
    work.put((function, event))


def _invoke_lambda_target(rule: Any, target: dict[str, Any], event: dict[str, Any]) -> None:
    try:
        function = moto_name("awslambda.get_backend")(rule.account_id, rule.region_name).get_function(
            target["Arn"]
        )
    except Exception:  # the function was deleted: EventBridge counts a failed invocation
        return
    if not permits(function.policy.statements, rule.arn):
        return
    deliver(function, lambda_event(event, target))


@parity_fix(
    "EventBridge invokes a rule's Lambda target",
    moto_does="raises NotImplementedError for a rule whose target is a Lambda function, so every PutEvents "
    "that matches it fails (the Spot lab's interruption events included)",
    aws_does="invokes the function asynchronously with the event when its resource-based policy lets "
    "events.amazonaws.com invoke it for the rule (the emulator runs one function's events one at a time, "
    "in order)",
)
def eventbridge_invokes_lambda_targets() -> None:
    """Patches moto: EventBridge invokes a rule's Lambda target."""
    rule_class = moto_name("events.Rule")
    parse_arn = moto_name("utilities.parse_arn")
    original_send = original(rule_class, "send_to_targets")

    @functools.wraps(original_send)
    def send_to_targets(self: Any, event: dict[str, Any], transform_input: bool = True) -> None:
        functions = [t for t in self.targets if parse_arn(t["Arn"]).service == "lambda"]
        if not functions:
            original_send(self, event, transform_input)
            return
        if not self.event_pattern.matches_event(event):
            return
        rest = copy.copy(self)
        rest.targets = [t for t in self.targets if t not in functions]
        if rest.targets:
            original_send(rest, event, transform_input)
        for target in functions:
            _invoke_lambda_target(self, target, event)

    replace(rule_class, "send_to_targets", send_to_targets)


FIXES: tuple[ParityFix, ...] = (eventbridge_invokes_lambda_targets,)
GAPS: tuple[EmulatorGap, ...] = ()
