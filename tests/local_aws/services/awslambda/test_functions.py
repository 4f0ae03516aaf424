"""Lambda parity: a function's deployed code runs, answers and logs as on AWS, in its own log group."""

from __future__ import annotations

import base64
import json
import time

import boto3
import pytest

from tests.local_aws.services.stacks import log_lines, python_function, unique

ECHO = """
    import os
    import boto3

    def handler(event, context):
        print("event:", event)
        buckets = boto3.client("s3").list_buckets()["Buckets"]
        return {"got": event, "region": os.environ["AWS_REGION"], "stage": os.environ["STAGE"],
                "request": context.aws_request_id, "buckets": [bucket["Name"] for bucket in buckets]}
"""


def test_a_function_logs_to_its_own_log_group_not_a_default_one(session: boto3.Session) -> None:
    group = unique("/labkit/writer")
    session.client("logs").create_log_group(logGroupName=group)
    awslambda = session.client("lambda")
    name = python_function(session, "def handler(event, context):\n    return 1\n", log_group=group)
    awslambda.invoke(FunctionName=name, Payload=b"{}")
    configuration = awslambda.get_function_configuration(FunctionName=name)
    groups = [g["logGroupName"] for g in session.client("logs").describe_log_groups()["logGroups"]]

    assert configuration["LoggingConfig"]["LogGroup"] == group
    assert f"/aws/lambda/{name}" not in groups


def test_invoke_runs_the_deployed_code_with_its_environment_and_the_emulator_as_endpoint(
    session: boto3.Session,
) -> None:
    group = unique("/labkit/echo")
    session.client("logs").create_log_group(logGroupName=group)
    name = python_function(session, ECHO, environment={"STAGE": "lab"}, log_group=group)
    bucket = unique("labkit-echo").lower()
    session.client("s3").create_bucket(Bucket=bucket)

    answer = session.client("lambda").invoke(FunctionName=name, Payload=b'{"userId": "u-1"}', LogType="Tail")

    payload = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer
    assert payload["got"] == {"userId": "u-1"}
    assert (payload["region"], payload["stage"]) == ("us-east-1", "lab")
    # its boto3 reached this emulator (not AWS) with the role's credentials: it sees the bucket made here
    assert bucket in payload["buckets"]
    tail = base64.b64decode(answer["LogResult"]).decode()
    assert f"START RequestId: {payload['request']}" in tail
    assert "event: {'userId': 'u-1'}" in tail
    lines = log_lines(session, group)
    assert any(line.startswith(f"REPORT RequestId: {payload['request']}\tDuration:") for line in lines)
    assert f"END RequestId: {payload['request']}" in lines


def test_an_exception_comes_back_as_an_unhandled_function_error(session: boto3.Session) -> None:
    name = python_function(session, "def handler(event, context):\n    raise ValueError('no user')\n")

    answer = session.client("lambda").invoke(FunctionName=name, Payload=b"{}")

    assert answer["FunctionError"] == "Unhandled"
    error = json.loads(answer["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "no user")
    assert error["stackTrace"]


def test_a_function_that_runs_too_long_times_out(session: boto3.Session) -> None:
    source = "import time\ndef handler(event, context):\n    time.sleep(30)\n"
    name = python_function(session, source, timeout=1)

    started = time.monotonic()
    answer = session.client("lambda").invoke(FunctionName=name, Payload=b"{}")

    assert time.monotonic() - started < 10
    assert answer["FunctionError"] == "Unhandled"
    assert "Task timed out after 1.00 seconds" in json.loads(answer["Payload"].read())["errorMessage"]


def test_a_function_that_imports_what_it_did_not_package_fails_as_on_aws(session: boto3.Session) -> None:
    # the kit's venv has moto, rich and the kit itself; a Lambda runtime has none of them
    name = python_function(session, "import rich\ndef handler(event, context):\n    return 1\n")

    answer = session.client("lambda").invoke(FunctionName=name, Payload=b"{}")

    error = json.loads(answer["Payload"].read())
    assert answer["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert "No module named 'rich'" in error["errorMessage"]


@pytest.mark.parametrize("kind", ["Event"])
def test_an_asynchronous_invoke_is_accepted_at_once_and_runs_later(session: boto3.Session, kind: str) -> None:
    group = unique("/labkit/async")
    session.client("logs").create_log_group(logGroupName=group)
    source = "import time\ndef handler(event, context):\n    time.sleep(1)\n    print('ran', event['n'])\n"
    name = python_function(session, source, log_group=group)

    answer = session.client("lambda").invoke(FunctionName=name, InvocationType=kind, Payload=b'{"n": 7}')

    assert answer["StatusCode"] == 202
    for _ in range(60):
        if "ran 7" in log_lines(session, group):
            break
        time.sleep(0.25)
    assert "ran 7" in log_lines(session, group)
