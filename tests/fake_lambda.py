"""The Lambda service in a check test: runs a handler as the deployed function and logs as Lambda does.

What the handler prints goes into the function's log group (its LoggingConfig, else /aws/lambda/<name>)
between Lambda's START and END/REPORT lines, one log stream per invocation, so a check reads it back
exactly as it reads a real function's log. Handlers are the kit's writer or a learner's handler.py.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from labs.function_labs.steps import log_group_of

Handler = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Context:
    aws_request_id: str
    function_name: str = "fake"


def load_handler(path: Path) -> Handler:
    """`handler` of a learner's handler.py, imported by file path as Lambda imports `handler.handler`."""
    name = f"learner_handler_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    handler: Handler = module.handler
    return handler


@dataclass
class FakeLambda:
    session: boto3.Session
    function_name: str
    handler: Handler
    invocations: list[str] = field(default_factory=list)

    @property
    def log_group(self) -> str:
        configuration = self.session.client("lambda").get_function_configuration(
            FunctionName=self.function_name
        )
        return log_group_of(configuration)

    def invoke(self, event: Any) -> tuple[Any, Exception | None]:
        """(the handler's result, the error it raised), its output logged as one invocation."""
        request_id = str(uuid.uuid4())
        printed = io.StringIO()
        result: Any = None
        error: Exception | None = None
        with redirect_stdout(printed):
            try:
                result = self.handler(json.loads(json.dumps(event)), Context(request_id))
            except Exception as raised:
                error = raised
                print(f"[ERROR] {type(raised).__name__}: {raised}")
        self._log(request_id, printed.getvalue().splitlines())
        self.invocations.append(request_id)
        return result, error

    def _log(self, request_id: str, lines: list[str]) -> None:
        logs = self.session.client("logs")
        group = self.log_group
        if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
            logs.create_log_group(logGroupName=group)
        stream = f"2030/01/01/[$LATEST]{request_id.replace('-', '')}"
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        messages = [
            f"START RequestId: {request_id} Version: $LATEST",
            *lines,
            f"END RequestId: {request_id}",
            f"REPORT RequestId: {request_id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256",
        ]
        now = int(time.time() * 1000)
        events = [{"timestamp": now, "message": message} for message in messages]
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
