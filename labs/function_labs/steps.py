"""The two steps of the function hands-ons, each checked on its own: the kit's writer or a learner's handler.

Step 1: the event (the put user) shows in the function's log group. Step 2: a CSV row of that user lands
in the lab bucket, under any key. The check reads what the deployed function did, the same way on AWS and
on an emulator that runs the function's code: lines in the log group named by the function's LoggingConfig
(Lambda's START/END/REPORT lines around what the code printed), objects in the bucket.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.catalogue.awslambda import FUNCTION
from labs.checks.gone import report_gone
from labs.checks.report import CheckReport
from labs.checks.rows import FoundRow, find_row
from labs.checks.steps import step_hint
from labs.checks.waiting import Waiter
from labs.deployed.session import error_code, unless_gone
from labs.function_labs.facts import EVENT_ITEM, ROW_ITEM, WRITER_LOGICAL_PREFIX
from labs.shared_facts import KIT_WRITER_HANDLER

if TYPE_CHECKING:
    import boto3

    from labs.deployed.stack import DeployedStack

# the CSV writer function's logical id prefix in both function labs, from the ids its construct uses
WRITER_PREFIX = WRITER_LOGICAL_PREFIX
MAX_LOG_PAGES = 20
# polls to wait after the function's invocation ended: logs and objects arrive within seconds of it
GRACE_POLLS = 2
# Lambda's clock and this machine's may differ: read the log from a little before the put
CLOCK_SKEW_MS = 60_000


@dataclass(frozen=True)
class LogLine:
    """One line of a function's log."""

    stream: str
    timestamp: int
    message: str


@dataclass(frozen=True)
class FunctionLog:
    """What the function's log group shows since the check's put: the user's line, the end of a run."""

    group: str
    hit: LogLine | None = None
    ended: LogLine | None = None
    # the first error the runtime logged since the put (`[ERROR] Runtime.ImportModuleError: ...`)
    error: LogLine | None = None

    @property
    def ended_run(self) -> str:
        """`REPORT RequestId: ... Duration: 12.3 ms` cut to its request id and duration, unit and all."""
        if self.ended is None:
            return ""
        words = self.ended.message.split()
        return " ".join(words[1:6]) if len(words) >= 6 else self.ended.message.strip()


@dataclass(frozen=True)
class StepsSeen:
    """What a function lab's steps showed: the log, the row written, the time taken."""

    log: FunctionLog
    row: FoundRow | None
    elapsed_s: float


def writer_function(lambda_client: Any, name: str) -> dict[str, Any] | None:
    """The function's configuration, or None when it was deleted by hand (the stack still lists it)."""
    found: dict[str, Any] | None = unless_gone(lambda_client.get_function_configuration, FunctionName=name)
    return found


def deployed_writer(report: CheckReport, lambda_client: Any, stack: DeployedStack) -> dict[str, Any] | None:
    """The writer's configuration; None, with a failed item saying why, when there is none to check."""
    name = stack.physical_id(FUNCTION.cfn_type, logical_prefix=WRITER_PREFIX)
    if name is None:
        report.add("Function", False, "the stack has no CSV writer function", hint="redeploy the lab")
        return None
    function = writer_function(lambda_client, name)
    if function is None:
        report_gone(report, "Function", name)
    return function


def runs_kit_writer(configuration: Mapping[str, Any]) -> bool:
    """False when the lab runs the learner's own handler (`-c handlerCode=<dir>`)."""
    return configuration.get("Handler") == KIT_WRITER_HANDLER


def log_group_of(configuration: Mapping[str, Any]) -> str:
    """The log group a function logs to."""
    group = configuration.get("LoggingConfig", {}).get("LogGroup")
    return str(group) if group else f"/aws/lambda/{configuration.get('FunctionName', '?')}"


def read_log(logs: Any, group: str, *, user_id: str, since_ms: int) -> FunctionLog:
    """The first line holding `user_id`, and a REPORT line that ends a run after it (or after the put)."""
    hit: LogLine | None = None
    ended: LogLine | None = None
    error: LogLine | None = None
    arguments: dict[str, Any] = {"logGroupName": group, "startTime": since_ms - CLOCK_SKEW_MS}
    for _ in range(MAX_LOG_PAGES):
        try:
            page = logs.filter_log_events(**arguments)
        except ClientError as failure:
            if error_code(failure) == "ResourceNotFoundException":  # nothing logged yet
                return FunctionLog(group)
            raise
        for event in page.get("events", []):
            line = LogLine(event.get("logStreamName", ""), int(event.get("timestamp", 0)), event["message"])
            if error is None and line.message.startswith("[ERROR]") and line.timestamp >= since_ms:
                error = line
            if hit is None and user_id in line.message:
                hit = line
            elif line.message.startswith("REPORT ") and ended is None:
                after_hit = hit is not None and line.stream == hit.stream and line.timestamp >= hit.timestamp
                if after_hit or (hit is None and line.timestamp >= since_ms):
                    ended = line
        token = page.get("nextToken")
        if not token:
            break
        arguments["nextToken"] = token
    return FunctionLog(group, hit, ended, error)


def object_etags(s3: Any, bucket: str) -> dict[str, str]:
    """Key -> ETag of every object in the bucket: a learner's handler may write under any key."""
    etags: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        etags.update({item["Key"]: item.get("ETag", "") for item in page.get("Contents", [])})
    return etags


def user_row(s3: Any, bucket: str, key: str, user_id: str) -> FoundRow | None:
    """The row of `user_id` in one object, None when it has none or is not CSV text."""
    try:
        return find_row(s3, bucket, key, column="userId", value=user_id)
    except (UnicodeDecodeError, csv.Error, ValueError):
        return None


def wait_for_steps(
    session: boto3.Session,
    *,
    log_group: str,
    bucket: str,
    user_id: str,
    since_ms: int,
    before: Mapping[str, str],
    waiter: Waiter,
) -> StepsSeen:
    """Wait until both steps show, or the function's run ended without them, or the time limit is over."""
    logs, s3 = session.client("logs"), session.client("s3")
    seen = dict(before)
    found: list[FoundRow] = []
    polls_after_end = 0

    def probe() -> tuple[StepsSeen | None, str]:
        nonlocal polls_after_end
        if not found:
            for key, etag in object_etags(s3, bucket).items():
                if seen.get(key) == etag:
                    continue
                seen[key] = etag  # read once per version
                row = user_row(s3, bucket, key, user_id)
                if row is not None:
                    found.append(row)
                    break
        log = read_log(logs, log_group, user_id=user_id, since_ms=since_ms)
        row = found[0] if found else None
        status = (
            f"{'event logged' if log.hit else 'event not logged yet'}, "
            f"{'row found' if row else 'no row yet'}" + (" (the function's run ended)" if log.ended else "")
        )
        polls_after_end += 1 if log.ended else 0
        if (log.hit and row) or polls_after_end > GRACE_POLLS:
            return StepsSeen(log, row, 0.0), status
        return None, status

    waited = waiter.until(probe, what=f"waiting for {user_id} in the function's log and the bucket")
    if waited.value is not None:
        return StepsSeen(waited.value.log, waited.value.row, waited.elapsed_s)
    log = read_log(logs, log_group, user_id=user_id, since_ms=since_ms)
    return StepsSeen(log, found[0] if found else None, waited.elapsed_s)


def report_steps(
    report: CheckReport,
    steps: Sequence[str],
    seen: StepsSeen,
    *,
    user_id: str,
    bucket: str,
    what: str,
    more: str = "",
) -> None:
    """One item per step: step 1 the event in the log, step 2 the CSV row. `what`: the event, the input;
    `more`: what else the lab knows about a missing row."""
    log = seen.log
    ran = f"the function ran ({log.ended_run})" if log.ended else "no run of the function has ended"
    if log.error:
        ran += f" and failed: {log.error.message.strip()[:300]}"
    tail = f"aws logs tail {log.group} --since 15m"
    report.add(
        EVENT_ITEM,
        log.hit is not None,
        f"{log.group} shows {what} with {user_id} (log stream {log.hit.stream})"
        if log.hit
        else f"no line of {log.group} holds {user_id} after {seen.elapsed_s:.0f} s: {ran}",
        hint=step_hint(
            steps,
            1,
            f"print {what} first thing in your handler, print(json.dumps(event)) or logger.info(event), "
            f"redeploy, and read it: {tail}",
        ),
    )
    row = seen.row
    report.add(
        ROW_ITEM,
        row is not None,
        f"s3://{bucket}/{row.key} holds {user_id} ({row.describe()})"
        if row
        else f"no object in s3://{bucket}/ holds a CSV row with userId {user_id} "
        f"after {seen.elapsed_s:.0f} s: {ran}{more}",
        hint=step_hint(
            steps,
            2,
            "build CSV text with a header row (userId,name,email) and one row per new item, and "
            "s3.put_object(Bucket=os.environ['BUCKET_NAME'], Key=..., Body=...) it; "
            f"errors show in the function's log: {tail}",
        ),
    )
