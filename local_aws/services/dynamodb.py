"""DynamoDB Streams parity fixes: stream records stay readable whoever consumed them, and an event source
mapping polls its stream in the background, delivering batches as Lambda's stream poller does
(awslambda/runtime/stream_delivery.py) to the function's deployed code."""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from local_aws.fixes import EmulatorGap, ParityFix, parity_fix
from local_aws.moto_bridge import backend, backends, event_source_mappings, moto_name, original, replace
from local_aws.services.awslambda.runtime import service
from local_aws.services.awslambda.runtime.stream_delivery import MappingConfig, StreamDelivery, StreamRecord

POLL_S = 0.2


@parity_fix(
    "stream records outlive their consumers",
    moto_does="empties a table's stream once it handed the records to an event source mapping (then reuses "
    "their sequence numbers), and fails the write itself when that delivery fails (e.g. a binary attribute)",
    aws_does="keeps every stream record readable for 24 hours whoever consumed it, and never fails a write "
    "because of a consumer",
)
def stream_records_outlive_their_consumers() -> None:
    """Patches moto: stream records outlive their consumers."""
    shard_class = moto_name("dynamodb.StreamShard")
    stream_record = moto_name("dynamodb.StreamRecord")

    def add(self: Any, old: Any, new: Any) -> None:
        view = self.table.stream_specification["StreamViewType"]
        event = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        sequence = len(self.items) + self.starting_sequence_number
        # the write only appends: the mappings' pollers deliver it (see below), never inside the write
        self.items.append(stream_record(self.table, view, event, old, new, sequence))

    replace(shard_class, "add", add)


def as_event_json(value: Any) -> Any:
    """A stream record's value as JSON carries it: binary (B, BS, and B inside L or M) as base64 text."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {key: as_event_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [as_event_json(item) for item in value]
    return value


@parity_fix(
    "stream records carry binary values as base64",
    moto_does="keeps a stream record's binary values (B, BS, and B inside L or M) as Python bytes, which "
    "reach a function as their repr (\"b'AAH/aGVsbG8='\")",
    aws_does="sends them as base64 text in the Lambda event, as GetRecords' JSON does (the DynamoDB Streams "
    "API reference: B and BS are Base64-encoded binary data)",
)
def stream_binary_as_base64() -> None:
    """Patches moto: stream records carry binary values as base64."""
    record_class = moto_name("dynamodb.StreamRecord")

    def to_lambda_json(self: Any) -> dict[str, Any]:
        shaped: dict[str, Any] = as_event_json(self.to_json())
        # moto's creation time is a datetime, which as_event_json keeps for lambda_record to turn to epoch
        shaped["dynamodb"]["ApproximateCreationDateTime"] = self.to_json()["dynamodb"].get(
            "ApproximateCreationDateTime"
        )
        return shaped

    replace(record_class, "to_lambda_json", to_lambda_json)


def lambda_record(record: Any, *, region: str, stream_arn: str) -> StreamRecord:
    """A moto stream record as the Lambda event carries it (epoch times, this region, this stream)."""
    shaped = dict(record.to_lambda_json())
    dynamodb = dict(shaped["dynamodb"])
    arrived = dynamodb.get("ApproximateCreationDateTime")
    arrived_at = arrived.replace(tzinfo=UTC) if isinstance(arrived, datetime) else datetime.now(UTC)
    dynamodb["ApproximateCreationDateTime"] = int(arrived_at.timestamp())
    event = {**shaped, "awsRegion": region, "dynamodb": dynamodb, "eventSourceARN": stream_arn}
    # moto keeps Decimal-like values as strings already; one JSON round trip proves the event serializable
    return StreamRecord(
        sequence_number=str(dynamodb["SequenceNumber"]),
        arrived_at=arrived_at,
        event=json.loads(json.dumps(event, default=str)),
    )


class MappingPoller(threading.Thread):
    """One event source mapping's poller: reads its shard from where it stopped and delivers new batches."""

    def __init__(self, mapping: Any, table: Any) -> None:
        super().__init__(name=f"esm-{mapping.uuid}", daemon=True)
        self.mapping, self.table = mapping, table
        if not hasattr(mapping, "labkit_position"):  # kept on the mapping: a restarted poller resumes there
            start_at_oldest = str(mapping.starting_position).upper() == "TRIM_HORIZON"
            mapping.labkit_position = 0 if start_at_oldest else len(table.stream_shard.items)

    def config(self) -> MappingConfig:
        """The mapping's settings, read from moto's event source mapping."""
        mapping = self.mapping
        destination = ((mapping.destination_config or {}).get("OnFailure") or {}).get("Destination")
        return MappingConfig(
            function_arn=mapping.function_arn,
            stream_arn=mapping.event_source_arn,
            shard_id=self.table.stream_shard.id,
            batch_size=int(mapping.batch_size or 100),
            max_retry_attempts=int(-1 if mapping.max_retry_attempts is None else mapping.max_retry_attempts),
            max_record_age_s=int(-1 if mapping.max_record_age is None else mapping.max_record_age),
            bisect_on_error=bool(mapping.bisect_on_error),
            report_batch_item_failures="ReportBatchItemFailures" in (mapping.function_response_types or []),
            on_failure_arn=destination,
        )

    def live(self) -> bool:
        """Whether the mapping still exists and its table still has a stream."""
        mappings = event_source_mappings(backend("lambda", self.mapping.account_id, self.mapping.region))
        return mappings.get(self.mapping.uuid) is self.mapping and self.table.stream_shard is not None

    def run(self) -> None:
        """Poll the stream and deliver each batch, as long as the mapping lives."""
        while self.live():
            position = self.mapping.labkit_position
            batch = self.table.stream_shard.items[position : position + int(self.mapping.batch_size or 100)]
            if not self.mapping.enabled or not batch:
                time.sleep(POLL_S)
                continue
            try:
                self.deliver(batch)
            except Exception as error:  # e.g. the function was deleted meanwhile: AWS keeps the batch too
                self.mapping.labkit_last_result = f"PROBLEM: {type(error).__name__}: {error}"
                time.sleep(POLL_S)
                continue
            self.mapping.labkit_position = position + len(batch)

    def deliver(self, batch: list[Any]) -> None:
        """Invoke the mapped function with one batch of records."""
        lambdas = backend("lambda", self.mapping.account_id, self.mapping.region)
        function = lambdas.get_function(self.mapping.function_arn)

        def invoke(event: dict[str, Any]) -> tuple[bytes, str | None]:
            invocation = service.run(function, event)
            return invocation.payload, invocation.function_error

        delivery = StreamDelivery(self.config(), invoke=invoke, send_failure=send_failure, sleep=time.sleep)
        region = self.mapping.region
        delivery.deliver(
            [lambda_record(r, region=region, stream_arn=self.mapping.event_source_arn) for r in batch]
        )
        self.mapping.labkit_last_result = delivery.log.last_result


def send_failure(destination_arn: str, document: dict[str, Any]) -> None:
    """The on-failure document to an SQS queue or an SNS topic, as Lambda sends it."""
    _, _, service_name, region, account, name = destination_arn.split(":", 5)
    body = json.dumps(document)
    if service_name == "sqs":
        backend("sqs", account, region).send_message(name, body)
    elif service_name == "sns":
        backend("sns", account, region).publish(message=body, arn=destination_arn)


class StreamPollers(threading.Thread):
    """Starts a poller for each enabled mapping of a table stream as soon as it exists."""

    def __init__(self) -> None:
        super().__init__(name="stream-pollers", daemon=True)
        self.started: dict[str, MappingPoller] = {}

    def run(self) -> None:
        """Keep a poller running for every mapping of every table with a stream."""
        tables = backends("dynamodb")
        while True:
            for account in list(tables.values()):
                for region in list(account.values()):
                    for table in list(region.tables.values()):
                        self.watch(table)
            time.sleep(POLL_S)

    def watch(self, table: Any) -> None:
        """Start a poller for each of the table's mappings that has none running."""
        if table.stream_shard is None:
            return
        for mapping in list(table.lambda_event_source_mappings.values()):
            poller = self.started.get(mapping.uuid)
            if poller is None or (not poller.is_alive() and poller.live()):
                self.started[mapping.uuid] = poller = MappingPoller(mapping, table)
                poller.start()


@parity_fix(
    "event source mappings poll their stream",
    moto_does="hands each new record to the function inside the write that made it, ignoring batch size, "
    "retries, bisect, partial batch responses and the on-failure destination",
    aws_does="polls the stream in the background and delivers batches with the mapping's retries, bisect, "
    "ReportBatchItemFailures and on-failure destination (a document about the failed batch), and reports "
    "LastProcessingResult",
)
def stream_mappings_poll() -> None:
    """Patches moto: event source mappings poll their stream."""
    mapping_class = moto_name("awslambda.EventSourceMapping")
    original_configuration = original(mapping_class, "get_configuration")

    def get_configuration(self: Any) -> dict[str, Any]:
        configuration: dict[str, Any] = original_configuration(self)
        configuration["LastProcessingResult"] = getattr(self, "labkit_last_result", "No records processed")
        return configuration

    replace(mapping_class, "get_configuration", get_configuration)
    StreamPollers().start()


FIXES: tuple[ParityFix, ...] = (
    stream_records_outlive_their_consumers,
    stream_binary_as_base64,
    stream_mappings_poll,
)
GAPS: tuple[EmulatorGap, ...] = ()
