"""What "LabDdbStream works" means: a new user put into the table reaches the function, which prints the
event (the hands-on's step 1: the user shows in the function's log) and writes it as a CSV row into the
bucket (step 2). The function is the kit's writer, or the learner's own handler (`-c handlerCode=<dir>`).

On a real account the check puts the user and waits for both steps. On the emulator no Lambda code runs
yet, so the check reads the user's record from the table's stream and hands it to the kit's CSV writer in
this process, as the event source mapping would hand it to the function, and says so; a learner's own
handler cannot be graded there yet.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.config import Config

from csv_writer.keys import STREAM_PREFIX
from labs.checks import function_steps
from labs.checks.function_steps import EVENT_ITEM, ROW_ITEM, WRITER_PREFIX
from labs.checks.opening import begin_report
from labs.checks.report import CheckReport
from labs.checks.rows import FoundRow, find_row
from labs.checks.waiting import Waiter
from labs.ddb_stream.spec import LAB_ID, PARTITION_KEY, STEPS, new_user, user_item
from labs.deployed.aws import unless_gone
from labs.deployed.stack import DeployedStack

if TYPE_CHECKING:
    import boto3

# botocore 1.44 sends StreamArn calls to an account-based endpoint that the emulator does not route
STREAMS_CONFIG = Config(account_id_endpoint_mode="disabled")
MAX_STREAM_PAGES = 50


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
    function_name = stack.physical_id("AWS::Lambda::Function", logical_prefix=WRITER_PREFIX)
    if function_name is None:
        report.add("Function", False, "the stack has no CSV writer function", hint="redeploy the lab")
        return report
    function = function_steps.writer_function(session.client("lambda"), function_name)
    user_id = user_id or f"labkit-check-{uuid.uuid4().hex[:8]}"
    s3 = session.client("s3")
    before = object_etags(s3, bucket)
    before_anywhere = function_steps.object_etags(s3, bucket)
    since_ms = int(time.time() * 1000)
    user = new_user(user_id)
    session.client("dynamodb").put_item(TableName=table, Item=user_item(user))
    report.add("User added", True, f"put user {user_id} ({user['name']}) into {table}")
    waiter = waiter or Waiter.for_run(on_emulator=on_emulator)
    if on_emulator and function_steps.runs_kit_writer(function):
        if deliver_in_process(report, session, bucket=bucket, stream_arn=stream_arn, user_id=user_id):
            wait_for_row(report, session, stack, bucket=bucket, user_id=user_id, before=before, waiter=waiter)
    elif on_emulator:
        cannot = "the emulator does not run a function's own code yet (your handler from handlerCode)"
        report.not_verifiable(EVENT_ITEM, cannot)
        report.not_verifiable(ROW_ITEM, cannot)
    elif trigger_works:
        seen = function_steps.wait_for_steps(
            session,
            log_group=function_steps.log_group_of(function),
            bucket=bucket,
            user_id=user_id,
            since_ms=since_ms,
            before=before_anywhere,
            waiter=waiter,
        )
        function_steps.report_steps(report, STEPS, seen, user_id=user_id, bucket=bucket, what="the event")
    else:
        for name in (EVENT_ITEM, ROW_ITEM):
            report.add(
                name,
                False,
                "not awaited: with the stream trigger not working the function never runs",
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


def stream_records_of(session: boto3.Session, stream_arn: str, user_id: str) -> list[dict[str, Any]]:
    """The records of the stream (every shard, from its oldest record) whose key is `user_id`."""
    streams: Any = session.client("dynamodbstreams", config=STREAMS_CONFIG)
    shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"].get("Shards", [])
    found: list[dict[str, Any]] = []
    for shard in shards:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        ).get("ShardIterator")
        for _ in range(MAX_STREAM_PAGES):
            if not iterator:
                break
            page = streams.get_records(ShardIterator=iterator)
            found += [r for r in page.get("Records", []) if record_key(r) == user_id]
            if not page.get("Records"):
                break
            iterator = page.get("NextShardIterator")
    return found


def record_key(record: Mapping[str, Any]) -> str | None:
    value = record.get("dynamodb", {}).get("Keys", {}).get(PARTITION_KEY, {}).get("S")
    return value if isinstance(value, str) else None


def lambda_stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """get_records' records as the Lambda event a stream mapping sends: binary as base64 text, epoch times."""

    def as_json(value: object) -> object:
        if isinstance(value, bytes | bytearray):
            return base64.b64encode(value).decode("ascii")
        if isinstance(value, datetime):
            return int(value.timestamp())
        raise TypeError(f"{type(value).__name__} in a stream record")

    shaped: list[dict[str, Any]] = json.loads(json.dumps(records, default=as_json))
    return {"Records": [{**record, "eventSourceARN": stream_arn} for record in shaped]}


def deliver_in_process(
    report: CheckReport, session: boto3.Session, *, bucket: str, stream_arn: str, user_id: str
) -> bool:
    """The emulator path: the user's stream records, as the mapping's event, through the handler here."""
    records = stream_records_of(session, stream_arn, user_id)
    report.add(
        "Stream record",
        bool(records),
        f"the stream holds the {records[-1]['eventName']} record of {user_id} "
        f"(sequence {records[-1]['dynamodb'].get('SequenceNumber', '?')})"
        if records
        else f"the table's stream holds no record of {user_id}",
        hint="the emulator lost the stream record: rerun with a fresh emulator (labkit demo starts one)",
    )
    report.not_verifiable(
        "Writer run by the stream trigger",
        "Lambda code cannot run on the emulator (no container runtime): moto answers invocations "
        "without running the handler",
    )
    if not records:
        return False
    from csv_writer.handler import handle  # the kit's writer, run here in place of the emulator's Lambda

    response = handle(lambda_stream_event(records, stream_arn), bucket=bucket, s3_client=session.client("s3"))
    failures = response.get("batchItemFailures", [])
    report.add(
        "CSV writer (run in-process)",
        not failures,
        f"the handler took {len(records)} stream record(s) and reported no failure"
        if not failures
        else f"the handler reported failed records: {failures}",
        hint="the writer rejected the record: its log line above says why",
    )
    report.notes.append(
        f"On the emulator the check read {user_id}'s records from the table's stream and handed them, as "
        "the Lambda event the event source mapping sends, to csv_writer.handler in this process."
    )
    return not failures
