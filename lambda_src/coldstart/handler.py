"""The cold-start lab's handler, shared by both functions: what runs at init is what a cold start costs.

The light function (COLDSTART_PROFILE=light) imports only the standard library and Powertools Logger. The
heavy one (COLDSTART_PROFILE=heavy) also does what a data pipeline's function does at init: import boto3
and create the clients it will reuse (S3, Glue, Athena, DynamoDB). Creating a client loads botocore's model
of that service from JSON files, megabytes of them: the init cost AWS's own guidance names, with a package
the Python runtime already ships (nothing to bundle, and the emulator has it offline).
Work done here, at module level, runs once per execution environment; warm invocations reuse it.
"""

import time

INIT_STARTED = time.perf_counter()

import csv  # noqa: E402 - after the clock starts: module_init_ms counts every import of this file
import io  # noqa: E402
import os  # noqa: E402
from typing import Any  # noqa: E402

from aws_lambda_powertools import Logger  # noqa: E402
from aws_lambda_powertools.utilities.typing import LambdaContext  # noqa: E402

PROFILE = os.environ.get("COLDSTART_PROFILE", "light")
# each invocation parses this many CSV rows: CPU work whose duration follows the memory size (CPU share)
WORK_ROWS = 20000

# structured logging: with the Lambda context injected, every line carries `cold_start`
logger = Logger(service="coldstart")

if PROFILE == "heavy":
    import boto3

    CLIENTS: dict[str, Any] = {
        "s3": boto3.client("s3"),
        "glue": boto3.client("glue"),
        "athena": boto3.client("athena"),
        "dynamodb": boto3.client("dynamodb"),
    }
else:
    CLIENTS = {}

INIT_MS = round((time.perf_counter() - INIT_STARTED) * 1000, 1)
INVOCATIONS = {"count": 0}


def parse_rows(count: int) -> int:
    """A data engineer's everyday CPU work: write `count` CSV rows, read them back, sum a column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows((index, f"user-{index}", index % 97) for index in range(count))
    buffer.seek(0)
    return sum(int(row[2]) for row in csv.reader(buffer))


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Counts this environment's invocations and logs them; the REPORT line tells cold from warm."""
    INVOCATIONS["count"] += 1
    total = parse_rows(WORK_ROWS)
    logger.info(
        "invoked",
        extra={
            "profile": PROFILE,
            "module_init_ms": INIT_MS,
            "environment_invocations": INVOCATIONS["count"],
            "clients": sorted(CLIENTS),
            "rows_total": total,
        },
    )
    return {
        "profile": PROFILE,
        "environmentInvocations": INVOCATIONS["count"],
        "moduleInitMs": INIT_MS,
        "memoryMb": int(context.memory_limit_in_mb),
        "version": context.function_version,
    }
