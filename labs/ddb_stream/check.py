"""What "LabDdbStream works" means: a new user put into the table shows up as a CSV row in the bucket.

The check puts a user and waits for the stream trigger to run the deployed writer, which writes the row:
on a real account and on the emulator alike (the emulator runs the function's deployed code).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from csv_writer.keys import STREAM_PREFIX
from labs.checks.opening import begin_report
from labs.checks.report import CheckReport
from labs.checks.rows import FoundRow, find_row
from labs.checks.waiting import Waiter
from labs.ddb_stream.spec import LAB_ID, PARTITION_KEY, new_user, user_item
from labs.deployed.aws import unless_gone
from labs.deployed.stack import DeployedStack

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
    user_id = user_id or f"labkit-check-{uuid.uuid4().hex[:8]}"
    s3 = session.client("s3")
    before = object_etags(s3, bucket)
    user = new_user(user_id)
    session.client("dynamodb").put_item(TableName=table, Item=user_item(user))
    report.add("User added", True, f"put user {user_id} ({user['name']}) into {table}")
    waiter = waiter or Waiter.for_run(on_emulator=on_emulator)
    if trigger_works:
        wait_for_row(report, session, stack, bucket=bucket, user_id=user_id, before=before, waiter=waiter)
    else:
        report.add(
            "CSV row in the bucket",
            False,
            "not awaited: with the stream trigger not working no row can arrive",
            hint="fix the stream trigger first (see above), then rerun the check",
        )
    return report


def check_stream(report: CheckReport, dynamodb: Any, table: str) -> str | None:
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
    mapping = lambda_client.get_event_source_mapping(UUID=mapping_id)
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


def object_etags(s3: Any, bucket: str) -> dict[str, str]:
    """Key -> ETag of every CSV the stream writer has written so far."""
    etags: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{STREAM_PREFIX}/"):
        etags.update({item["Key"]: item.get("ETag", "") for item in page.get("Contents", [])})
    return etags


def find_user_row(s3: Any, bucket: str, key: str, user_id: str) -> FoundRow | None:
    return find_row(s3, bucket, key, column=PARTITION_KEY, value=user_id)


def wait_for_row(
    report: CheckReport,
    session: boto3.Session,
    stack: DeployedStack,
    *,
    bucket: str,
    user_id: str,
    before: Mapping[str, str],
    waiter: Waiter,
) -> None:
    s3 = session.client("s3")
    seen = dict(before)

    def probe() -> tuple[FoundRow | None, str]:
        fresh = {k: e for k, e in object_etags(s3, bucket).items() if seen.get(k) != e}
        for key, etag in fresh.items():
            found = find_user_row(s3, bucket, key, user_id)
            if found:
                return found, f"row found in {key}"
            seen[key] = etag  # read once per version: a batch object never gains rows later
        return None, f"no CSV in s3://{bucket}/{STREAM_PREFIX}/ holds {user_id} yet"

    waited = waiter.until(probe, what=f"waiting for the CSV row of {user_id}")
    if waited.value is not None:
        report.add(
            "CSV row in the bucket",
            True,
            f"s3://{bucket}/{waited.value.key} holds {user_id} ({waited.value.describe()}), "
            f"{waited.elapsed_s:.0f} s after the put",
        )
        return
    log_group = stack.physical_id("AWS::Logs::LogGroup", logical_prefix="CsvWriterLogGroup") or "the writer's"
    report.add(
        "CSV row in the bucket",
        False,
        f"after {waited.elapsed_s:.0f} s no CSV in s3://{bucket}/{STREAM_PREFIX}/ holds {user_id}"
        f"{last_processing(session, stack)}",
        hint=f"read the writer's log: aws logs tail {log_group} --since 15m; records it could not convert "
        "are in the StreamFailures queue; a first delivery can take a minute: rerun with --timeout 300",
    )


def last_processing(session: boto3.Session, stack: DeployedStack) -> str:
    mapping_id = stack.physical_id("AWS::Lambda::EventSourceMapping")
    if not mapping_id:
        return ""
    mapping = session.client("lambda").get_event_source_mapping(UUID=mapping_id)
    result = mapping.get("LastProcessingResult")
    return f" (the mapping's last processing result: {result})" if result else ""
