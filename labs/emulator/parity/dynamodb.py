"""DynamoDB Streams parity fix: stream records stay readable whoever consumed them."""

from __future__ import annotations

import contextlib
from typing import Any

from labs.emulator.parity.base import ParityFix, from_moto, parity_fix, replace


@parity_fix(
    "stream records outlive their consumers",
    moto_does="empties a table's stream once it handed the records to an event source mapping (then reuses "
    "their sequence numbers), and fails the write itself when that delivery fails (e.g. a binary attribute)",
    aws_does="keeps every stream record readable for 24 hours whoever consumed it, and never fails a write "
    "because of a consumer",
)
def stream_records_outlive_their_consumers() -> None:
    shard_class = from_moto("moto.dynamodb.models.table", "StreamShard")
    stream_record = from_moto("moto.dynamodb.models.table", "StreamRecord")
    get_backend = from_moto("moto.awslambda.utils", "get_backend")

    def add(self: Any, old: Any, new: Any) -> None:
        view = self.table.stream_specification["StreamViewType"]
        event = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        sequence = len(self.items) + self.starting_sequence_number
        self.items.append(stream_record(self.table, view, event, old, new, sequence))
        for function_arn, mapping in self.table.lambda_event_source_mappings.items():
            # a consumer neither fails the write nor takes records out of the stream
            with contextlib.suppress(Exception):
                get_backend(self.account_id, function_arn.split(":")[3]).send_dynamodb_items(
                    function_arn, self.items[-1:], mapping.event_source_arn
                )

    replace(shard_class, "add", add)


FIXES: tuple[ParityFix, ...] = (stream_records_outlive_their_consumers,)
