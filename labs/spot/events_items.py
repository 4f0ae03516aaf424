"""LabSpot's steps 3 and 4: the Spot events reach a log group, and an interruption of one of the group's own
instances is warned and replaced. Only this group's warnings count: in a shared class account every
learner's rule sees every learner's Spot events, and `labkit class check` interrupts several at once."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from labs.checks.auto_scaling import describe_group, describe_members, in_service
from labs.checks.report import CheckReport
from labs.checks.waiting import Waiter
from labs.deployed.session import unless_gone
from labs.deployed.stack import DeployedStack
from labs.spot.hints import SOLUTION, hint
from labs.spot.spec import FIS_USD_PER_RUN
from local_aws.client import AWS_WARNING_S, INTERRUPTION_WARNING, SPOT_EVENT_TYPES
from spot_events.environment import LOG_GROUP_VARIABLE

if TYPE_CHECKING:
    import boto3

# how a learner interrupts without an FIS template: the emulator's command, or the console's (which runs FIS)
BY_HAND = (
    "or interrupt one by hand and watch the log group: on the emulator `labkit emulator interrupt "
    "<instance-id>`, on AWS the EC2 console's Spot Requests page, Actions, Initiate interruption"
)


def _log_group_of(session: boto3.Session, target_arn: str) -> str | None:
    """The log group a rule's target writes to: the log group itself, or the one a filter function names."""
    if ":log-group:" in target_arn:
        return target_arn.split(":log-group:", 1)[1].removesuffix(":*")
    if ":lambda:" in target_arn and ":function:" in target_arn:
        answer = unless_gone(session.client("lambda").get_function_configuration, FunctionName=target_arn)
        variables = ((answer or {}).get("Environment") or {}).get("Variables") or {}
        return variables.get(LOG_GROUP_VARIABLE) or None
    return None


def check_event_rule(report: CheckReport, session: boto3.Session, stack: DeployedStack) -> str | None:
    """Step 3: a rule on the default bus for both Spot events, whose target writes them to a log group (a
    log-group target, or a function that names its log group); returns the log group's name."""
    rule_name = stack.physical_id("AWS::Events::Rule")
    events = session.client("events")
    rule = unless_gone(events.describe_rule, Name=rule_name) if rule_name else None
    pattern = json.loads((rule or {}).get("EventPattern") or "{}")
    missing = sorted(set(SPOT_EVENT_TYPES) - set(pattern.get("detail-type", [])))
    targets = events.list_targets_by_rule(Rule=rule_name).get("Targets", []) if rule else []
    routes = [(t["Arn"], _log_group_of(session, t["Arn"])) for t in targets]
    groups = [(arn, group) for arn, group in routes if group]
    ok = rule is not None and not missing and bool(groups)
    if rule is None:
        detail = "the stack has no EventBridge rule"
    elif missing or not groups:
        problems = [*(f"no {m}" for m in missing), *([] if groups else ["no target writes to a log group"])]
        detail = f"{rule_name}: " + "; ".join(problems)
    else:
        arn, group = groups[0]
        through = f" through {arn.rsplit(':', 1)[-1]}" if ":function:" in arn else ""
        detail = f"{rule_name}: both events -> {group}{through}"
    report.add(
        "Spot events to a log group",
        ok,
        detail,
        hint=hint(
            3,
            'an events.Rule with event_pattern source ["aws.ec2"] and detail-type both event names, '
            "targeting a log group (with a logs resource policy for events.amazonaws.com: an account holds "
            f"10) or, as {SOLUTION} does, a function that writes the group's own events to the log group",
        ),
    )
    return groups[0][1] if groups else None


def warnings_since(logs: Any, log_group: str, since_ms: int) -> list[dict[str, Any]]:
    """The interruption warnings the log group received since `since_ms`."""
    found = logs.filter_log_events(logGroupName=log_group, startTime=since_ms).get("events", [])
    events = []
    for entry in found:
        try:
            event = json.loads(entry["message"])
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("detail-type") == INTERRUPTION_WARNING:
            events.append(event)
    return events


def _not_attempted(report: CheckReport, why: str, todo: str) -> None:
    report.add("Interruption", False, f"not attempted: {why}", hint=hint(4, todo))


def check_interruption(
    report: CheckReport,
    session: boto3.Session,
    stack: DeployedStack,
    group: dict[str, Any],
    *,
    log_group: str | None,
    waiter: Waiter,
    on_emulator: bool,
) -> None:
    """Step 4: the stack's FIS experiment interrupts one Spot instance of the group; that instance's warning
    reaches the log group and the group is back to its desired capacity without it."""
    template = stack.physical_id("AWS::FIS::ExperimentTemplate")
    if log_group is None:
        _not_attempted(report, "the Spot events reach no log group", "fix step 3 first, then rerun")
        return
    if len(in_service(group)) < group["DesiredCapacity"]:
        _not_attempted(report, "the group is not at its desired capacity", "fix the items above, then rerun")
        return
    if not template:
        _not_attempted(
            report,
            "the stack has no AWS FIS experiment template to start",
            "add an fis.CfnExperimentTemplate with the action aws:ec2:send-spot-instance-interruptions on "
            f"one running Spot instance of the group (the kit's is SpotInterruptionExperiment in "
            f"labs/spot/constructs.py, used by {SOLUTION}), redeploy and rerun; {BY_HAND}",
        )
        return
    name = group["AutoScalingGroupName"]
    autoscaling = session.client("autoscaling")
    own = {i["InstanceId"] for i in group.get("Instances", [])}
    since_ms = int(time.time() * 1000) - 1000
    session.client("fis").start_experiment(experimentTemplateId=template)
    logs = session.client("logs")
    warned = waiter.until(
        lambda: _warned(logs, log_group, since_ms, own=own, autoscaling=autoscaling, name=name),
        what="FIS started; waiting for the warning",
    )
    if warned.value is None:
        report.add(
            "Interruption warning received",
            False,
            f"no {INTERRUPTION_WARNING} for an instance of {name} in {log_group} after "
            f"{warned.elapsed_s:.0f} s ({warned.status})",
            hint=hint(4, "the rule's pattern and its target (and what lets it write) decide what arrives"),
        )
        return
    victim = warned.value
    report.add("Interruption warning received", True, f"{INTERRUPTION_WARNING} for {victim} in {log_group}")
    replaced = waiter.until(
        lambda: _replaced(autoscaling, session.client("ec2"), name, victim),
        what=f"waiting for {victim} to go and a replacement to be in service",
    )
    report.add(
        "Replacement in service",
        replaced.value is not None,
        replaced.value or f"after {replaced.elapsed_s:.0f} s: {replaced.status}",
        hint=hint(4, f"AWS terminates after {AWS_WARNING_S} s; a replacement boots in minutes: rerun later"),
    )
    if on_emulator:
        report.notes.append(
            "Interruption on the emulator: the FIS experiment ran the emulator's rehearsal (warning and "
            "rebalance events at once, termination after its shortened warning instead of two minutes)."
        )
    else:
        report.notes.append(f"The FIS experiment billed about ${FIS_USD_PER_RUN:.2f}.")


def _warned(
    logs: Any, log_group: str, since_ms: int, *, own: set[str], autoscaling: Any, name: str
) -> tuple[str | None, str]:
    """The first warning for one of the group's instances (those at the start, and any since)."""
    current = describe_group(autoscaling, name)
    own |= {i["InstanceId"] for i in (current or {}).get("Instances", [])}
    events = warnings_since(logs, log_group, since_ms)
    ids = [str(e.get("detail", {}).get("instance-id", "")) for e in events]
    mine = next((i for i in ids if i in own), None)
    others = len([i for i in ids if i not in own])
    elsewhere = f", {others} for other groups' instances (not counted)" if others else ""
    return mine, f"{len(ids) - others} warning(s) for {name} in {log_group}{elsewhere}"


def _replaced(autoscaling: Any, ec2: Any, name: str, victim: str) -> tuple[str | None, str]:
    current = describe_group(autoscaling, name)
    if current is None:
        return None, "the group is gone"
    answer = ec2.describe_instances(InstanceIds=[victim])["Reservations"]
    state = answer[0]["Instances"][0]["State"]["Name"] if answer else "gone"
    healthy = [i for i in in_service(current) if i["InstanceId"] != victim]
    desired = current["DesiredCapacity"]
    status = f"{victim} {state}; {len(healthy)}/{desired} in service: {describe_members(current)}"
    done = state in ("terminated", "gone") and len(healthy) >= current["DesiredCapacity"]
    fresh = ", ".join(f"{i['InstanceId']} ({i.get('AvailabilityZone', '?')})" for i in healthy)
    return (f"{victim} {state}; in service: {fresh}" if done else None), status
