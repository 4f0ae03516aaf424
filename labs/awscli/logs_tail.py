"""`aws logs tail GROUP [--follow] [--since 10m] [--format short]`: AWS CLI v2's command, for the v1 CLI."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from awscli.customizations.commands import BasicCommand
from awscli.utils import create_nested_client

_SPAN = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
FOLLOW_POLL_S = 1.0


def since_millis(text: str, now: datetime) -> int:
    """`10m`, `2h`, `1d` ago, or an ISO time, as epoch milliseconds (v2's --since)."""
    match = _SPAN.match(text.strip())
    if match:
        moment = now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    else:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def render(event: dict[str, Any], short: bool) -> str:
    """One log event as `aws logs tail` prints it."""
    moment = datetime.fromtimestamp(event["timestamp"] / 1000, tz=UTC)
    message = str(event.get("message", "")).rstrip("\n")
    if short:
        return f"{moment:%Y-%m-%dT%H:%M:%S} {message}"
    return f"{moment.isoformat()} {event.get('logStreamName', '')} {message}"


class LogsTailCommand(BasicCommand):  # type: ignore[misc]  # the AWS CLI is untyped
    """`aws logs tail` for the bundled AWS CLI v1, which lacks it."""

    NAME = "tail"
    DESCRIPTION = "Shows the log events of a log group, as AWS CLI v2's `aws logs tail` does."
    ARG_TABLE = [  # noqa: RUF012 - the AWS CLI reads this class attribute
        {"name": "group_name", "positional_arg": True, "help_text": "The log group to show."},
        {"name": "follow", "action": "store_true", "help_text": "Keep showing new events (Ctrl-C stops)."},
        {"name": "since", "default": "10m", "help_text": "From how long ago (10m, 2h, 1d) or an ISO time."},
        {
            "name": "format",
            "default": "detailed",
            "choices": ["detailed", "short"],
            "help_text": "Line format.",
        },
    ]

    def _run_main(self, parsed_args: Any, parsed_globals: Any) -> int:
        client = create_nested_client(
            self._session,
            "logs",
            region_name=parsed_globals.region,
            endpoint_url=parsed_globals.endpoint_url,
            verify=parsed_globals.verify_ssl,
        )
        start = since_millis(parsed_args.since, datetime.now(UTC))
        short = parsed_args.format == "short"
        seen: set[str] = set()
        try:
            while True:
                for event in self._events(client, parsed_args.group_name, start):
                    if event["eventId"] not in seen:
                        seen.add(event["eventId"])
                        start = max(start, int(event["timestamp"]))
                        print(render(event, short), flush=True)
                if not parsed_args.follow:
                    return 0
                time.sleep(FOLLOW_POLL_S)
        except KeyboardInterrupt:
            return 0

    @staticmethod
    def _events(client: Any, group: str, start: int) -> list[dict[str, Any]]:
        pages = client.get_paginator("filter_log_events").paginate(logGroupName=group, startTime=start)
        events = [event for page in pages for event in page.get("events", [])]
        return sorted(events, key=lambda e: (e["timestamp"], e["eventId"]))


def add_tail(command_table: dict[str, Any], session: Any, **_kwargs: Any) -> None:
    """Add `tail` to the AWS CLI's `logs` commands."""
    command_table["tail"] = LogsTailCommand(session)
