"""EventBridge parity: a rule's Lambda target runs the function with the event, as AWS invokes it, and only
when the function's resource-based policy lets EventBridge invoke it for that rule
(local_aws/services/events.py)."""

from __future__ import annotations

import json
import time

import boto3
import pytest

from tests.local_aws.services.stacks import log_lines, python_function, unique

pytestmark = pytest.mark.emulator

RECORDER = """
    import json

    def handler(event, context):
        print("EVENT " + json.dumps(event))
"""


def rule_to(session: boto3.Session, function: str, *, permitted: str | None) -> str:
    """A rule for the test's own event source, targeting the function; `permitted`: the SourceArn granted
    ("rule": this rule's, "other": another rule's), or None for no permission at all."""
    events, awslambda = session.client("events"), session.client("lambda")
    source = unique("labkit.test")
    name = unique("rule")
    arn = events.put_rule(Name=name, EventPattern=json.dumps({"source": [source]}))["RuleArn"]
    function_arn = awslambda.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    events.put_targets(Rule=name, Targets=[{"Id": "Function", "Arn": function_arn}])
    if permitted:
        awslambda.add_permission(
            FunctionName=function,
            StatementId="events",
            Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com",
            SourceArn=arn if permitted == "rule" else f"{arn}-other",
        )
    return source


def recorded(session: boto3.Session, group: str, *, wait_s: float) -> list[dict[str, object]]:
    deadline = time.monotonic() + wait_s
    while True:
        found = [json.loads(line[6:]) for line in log_lines(session, group) if line.startswith("EVENT ")]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def put(session: boto3.Session, source: str) -> None:
    answer = session.client("events").put_events(
        Entries=[{"Source": source, "DetailType": "Test", "Detail": json.dumps({"instance-id": "i-0abc"})}]
    )
    assert answer["FailedEntryCount"] == 0


def test_a_rule_invokes_its_permitted_lambda_target_with_the_event(session: boto3.Session) -> None:
    group = unique("/labkit/recorder")
    session.client("logs").create_log_group(logGroupName=group)
    function = python_function(session, RECORDER, log_group=group)
    source = rule_to(session, function, permitted="rule")

    put(session, source)

    (event,) = recorded(session, group, wait_s=20)
    assert (event["source"], event["detail-type"], event["detail"]) == (
        source,
        "Test",
        {"instance-id": "i-0abc"},
    )
    assert isinstance(event["time"], str)
    assert str(event["time"]).endswith("Z")
    assert "ingestion-time" not in event


@pytest.mark.parametrize("permitted", [None, "other"])
def test_without_the_functions_permission_for_the_rule_nothing_runs(
    session: boto3.Session, permitted: str | None
) -> None:
    group = unique("/labkit/recorder")
    session.client("logs").create_log_group(logGroupName=group)
    function = python_function(session, RECORDER, log_group=group)
    source = rule_to(session, function, permitted=permitted)

    put(session, source)

    assert recorded(session, group, wait_s=1.5) == []
