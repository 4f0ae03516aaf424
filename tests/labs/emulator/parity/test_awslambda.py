"""Lambda parity: a function logs to the log group its LoggingConfig names, never to /aws/lambda/<name>."""

from __future__ import annotations

import boto3

from tests.labs.emulator.parity import unique


def test_a_function_logs_to_its_own_log_group_not_a_default_one(session: boto3.Session) -> None:
    group = unique("/labkit/writer")
    session.client("logs").create_log_group(logGroupName=group)
    iam = session.client("iam")
    role = iam.create_role(RoleName=unique("writer"), AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    awslambda = session.client("lambda")
    name = unique("writer")
    awslambda.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        LoggingConfig={"LogGroup": group, "LogFormat": "Text"},
    )
    awslambda.invoke(FunctionName=name, Payload=b"{}")
    configuration = awslambda.get_function_configuration(FunctionName=name)
    groups = [g["logGroupName"] for g in session.client("logs").describe_log_groups()["logGroups"]]

    assert configuration["LoggingConfig"]["LogGroup"] == group
    assert f"/aws/lambda/{name}" not in groups
