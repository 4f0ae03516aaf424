"""The lab run the way its hands-on runs it (its descriptor's Exercise), and what the function then logged.

PutItem hands the user to the table's stream, which runs the function on its own; StartExecution waits for
the execution to end; Invoke answers with the function's reply. Either way the function's log groups are read
until a run that started after the exercise has ended (its REPORT line), or the time limit is over.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labs.watch.logs import FunctionLogLine, ends_a_run, new_lines

if TYPE_CHECKING:
    import boto3

    from labs.deployed.stack import DeployedStack
    from labs.descriptor import Exercise

FINISHED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
# Lambda's clock and this machine's may differ a little: read the log from a little before the exercise
CLOCK_SKEW_MS = 2_000
SHOWN_RESULT = 300


@dataclass(frozen=True)
class Exercised:
    """What the exercise did and what it answered."""

    did: str
    result: str = ""
    failed: bool = False
    started_ms: int = 0


@dataclass
class RunSeen:
    """The function's log lines since the exercise, and whether a run has ended among them."""

    lines: list[FunctionLogLine] = field(default_factory=list)
    ended: bool = False


def run_exercise(
    session: boto3.Session,
    stack: DeployedStack,
    exercise: Exercise,
    *,
    user_id: str,
    timeout_s: float,
    poll_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Exercised:
    """Do what the lab's hands-on does, once (or `times`), with a fresh user id."""
    target = stack.physical_id(exercise.target_type, logical_prefix=exercise.target_prefix)
    started_ms = int(time.time() * 1000)
    if target is None:
        return Exercised(f"the stack has no {exercise.target_type} to exercise", failed=True)
    request = dict(exercise.request(user_id))
    if exercise.action == "put_item":
        session.client("dynamodb").put_item(TableName=target, Item=request)
        return Exercised(f"put user {user_id} into {target}", started_ms=started_ms)
    if exercise.action == "start_execution":
        return _execution(
            session, target, request, user_id=user_id, timeout_s=timeout_s, poll_s=poll_s, sleep=sleep
        )
    lambda_client = session.client("lambda")
    answers = []
    for _ in range(exercise.times):
        answer = lambda_client.invoke(FunctionName=target, Payload=json.dumps(request).encode("utf-8"))
        payload = answer["Payload"].read().decode("utf-8", errors="replace")
        answers.append((answer.get("FunctionError"), payload))
    failed = any(error for error, _ in answers)
    result = "; ".join(f"{error or 'answered'}: {payload[:SHOWN_RESULT]}" for error, payload in answers)
    return Exercised(f"invoked {target} {exercise.times} time(s)", result, failed, started_ms)


def _execution(
    session: boto3.Session,
    arn: str,
    request: dict[str, Any],
    *,
    user_id: str,
    timeout_s: float,
    poll_s: float,
    sleep: Callable[[float], None],
) -> Exercised:
    started_ms = int(time.time() * 1000)
    sfn = session.client("stepfunctions")
    name = user_id  # a name of its own per run: unnamed, the emulator answered a second start with the first
    execution = sfn.start_execution(stateMachineArn=arn, name=name, input=json.dumps(request))["executionArn"]
    deadline = time.monotonic() + timeout_s
    while True:
        described = sfn.describe_execution(executionArn=execution)
        status = described["status"]
        if status in FINISHED:
            break
        if time.monotonic() > deadline:
            return Exercised(
                f"started execution {name}", f"still {status} after {timeout_s:.0f} s", True, started_ms
            )
        sleep(poll_s)
    if status == "SUCCEEDED":
        result = f"SUCCEEDED, output {str(described.get('output', ''))[:SHOWN_RESULT]}"
    else:
        result = f"{status}: {described.get('error', '')} {described.get('cause', '')}".strip()[:SHOWN_RESULT]
    return Exercised(f"started execution {name}", result, status != "SUCCEEDED", started_ms)


def read_lines(session: boto3.Session, groups: Sequence[str], *, since_ms: int) -> list[FunctionLogLine]:
    """The groups' lines from a little before `since_ms` on (Lambda's clock may be a little behind)."""
    logs = session.client("logs")
    found = [
        line
        for group in dict.fromkeys(groups)
        for line in new_lines(logs, group, since_ms=since_ms - CLOCK_SKEW_MS)
    ]
    return sorted(found, key=lambda line: line.timestamp)


def wait_for_run(
    session: boto3.Session,
    groups: Sequence[str],
    *,
    since_ms: int,
    before: Sequence[FunctionLogLine],
    timeout_s: float,
    poll_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> RunSeen:
    """The groups' lines since `since_ms` that were not there `before` the exercise (an earlier run's last
    lines are that close), read until a run has ended among them (and once more for late lines)."""
    deadline = time.monotonic() + timeout_s
    seen = RunSeen()
    ended_polls = 0
    earlier = set(before)
    while True:
        seen.lines = [line for line in read_lines(session, groups, since_ms=since_ms) if line not in earlier]
        seen.ended = any(ends_a_run(line) for line in seen.lines)
        ended_polls += 1 if seen.ended else 0
        if ended_polls > 1 or time.monotonic() > deadline:
            return seen
        sleep(poll_s)
