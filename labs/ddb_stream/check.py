"""What "LabDdbStream works" means: a new user put into the table reaches the function, which prints the
event (the hands-on's step 1: the user shows in the function's log) and writes it as a CSV row into the
bucket (step 2). The function is the kit's writer, or the learner's own handler (`-c handlerCode=<dir>`).

The check puts a user and waits for both steps, each graded on its own: on a real account and on the
emulator alike (the emulator runs the function's deployed code).
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labs.checks.gone import report_gone
from labs.checks.report import CheckReport
from labs.checks.stack_items import begin_report
from labs.checks.waiting import Waiter
from labs.ddb_stream.spec import LAB_ID, STEPS, new_user, user_item
from labs.deployed.session import unless_gone
from labs.deployed.stack import DeployedStack
from labs.function_labs import steps as function_steps
from labs.function_labs.facts import EVENT_ITEM, ROW_ITEM

if TYPE_CHECKING:
    import boto3


def check(
    session: boto3.Session,
    *,
    stack_name: str,
    on_emulator: bool,
    waiter: Waiter | None = None,
    user_id: str | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Check LabDdbStream: the table's stream, its mapping, and a row written through them."""
    report, stack = begin_report(LAB_ID, session, stack_name, on_emulator=on_emulator, now=now)
    if stack is None:
        return report
    table = stack.physical_id("AWS::DynamoDB::Table")
    bucket = stack.physical_id("AWS::S3::Bucket")
    if not table or not bucket:
        report.add("Table and bucket", False, "the stack has no table or no bucket", hint="redeploy the lab")
        return report
    stream_arn = check_stream(report, session.client("dynamodb"), table)
    trigger_works = check_trigger(report, session.client("lambda"), stack, stream_arn)
    if stream_arn is None:
        return report
    function = function_steps.deployed_writer(report, session.client("lambda"), stack)
    if function is None:
        return report
    user_id = user_id or f"labkit-check-{uuid.uuid4().hex[:8]}"
    before = function_steps.object_etags(session.client("s3"), bucket)
    since_ms = int(time.time() * 1000)
    user = new_user(user_id)
    session.client("dynamodb").put_item(TableName=table, Item=user_item(user))
    report.add("User added", True, f"put user {user_id} ({user['name']}) into {table}")
    waiter = waiter or Waiter.for_run(on_emulator=on_emulator)
    if not trigger_works:
        for name in (EVENT_ITEM, ROW_ITEM):
            report.add(
                name,
                False,
                "not awaited: with the stream trigger not working the function never runs",
                hint="fix the stream trigger first (see above), then rerun the check",
            )
        return report
    seen = function_steps.wait_for_steps(
        session,
        log_group=function_steps.log_group_of(function),
        bucket=bucket,
        user_id=user_id,
        since_ms=since_ms,
        before=before,
        waiter=waiter,
    )
    function_steps.report_steps(
        report,
        STEPS,
        seen,
        user_id=user_id,
        bucket=bucket,
        what="the event",
        more=last_processing(session, stack)
        + "; records the function could not take are in the StreamFailures queue",
    )
    return report


def check_stream(report: CheckReport, dynamodb: Any, table: str) -> str | None:
    """Check the table has a stream; its ARN, or None."""
    answer = unless_gone(dynamodb.describe_table, TableName=table)
    if answer is None:
        report.add("Table stream", False, f"table {table} no longer exists", hint="redeploy the lab")
        return None
    description = answer["Table"]
    spec = description.get("StreamSpecification", {})
    arn: str | None = description.get("LatestStreamArn")
    view = spec.get("StreamViewType", "none")
    enabled = bool(spec.get("StreamEnabled")) and arn is not None
    good_view = view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
    report.add(
        "Table stream",
        enabled and good_view,
        f"{table} streams {view} records" if enabled else f"{table} has no stream enabled",
        hint="the writer needs NEW_IMAGE records: redeploy the lab to restore the stream",
    )
    return arn if enabled else None


def check_trigger(
    report: CheckReport, lambda_client: Any, stack: DeployedStack, stream_arn: str | None
) -> bool:
    """True when the table's stream triggers the writer."""
    mapping_id = stack.physical_id("AWS::Lambda::EventSourceMapping")
    if not mapping_id:
        report.add("Stream trigger", False, "the stack has no event source mapping", hint="redeploy the lab")
        return False
    mapping = unless_gone(lambda_client.get_event_source_mapping, UUID=mapping_id)
    if mapping is None:
        report_gone(report, "Stream trigger", f"event source mapping {mapping_id}")
        return False
    state = mapping.get("State", "?")
    function = mapping.get("FunctionArn", "?").rsplit(":", 1)[-1]
    on_stream = stream_arn is not None and mapping.get("EventSourceArn") == stream_arn
    source = (
        "the table's stream" if on_stream else f"{mapping.get('EventSourceArn')} (not the table's stream)"
    )
    settings = f"batch {mapping.get('BatchSize')}, retries {mapping.get('MaximumRetryAttempts')}"
    works = state == "Enabled" and on_stream
    report.add(
        "Stream trigger",
        works,
        f"mapping {mapping_id} is {state}: {source} -> {function} ({settings})",
        hint=f"enable it: aws lambda update-event-source-mapping --uuid {mapping_id} --enabled "
        "(or redeploy the lab)",
    )
    return works


def last_processing(session: boto3.Session, stack: DeployedStack) -> str:
    """A clause naming the event source mapping's last processing result, or "" when there is none."""
    mapping_id = stack.physical_id("AWS::Lambda::EventSourceMapping")
    if not mapping_id:
        return ""
    mapping = session.client("lambda").get_event_source_mapping(UUID=mapping_id)
    result = mapping.get("LastProcessingResult")
    return f"; the mapping's last processing result: {result}" if result else ""
