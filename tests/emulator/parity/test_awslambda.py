"""Lambda parity: a function logs to the log group its LoggingConfig names, never to /aws/lambda/<name>."""

from __future__ import annotations

import boto3

from tests.emulator.parity import unique


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


def test_a_function_may_use_the_pinned_powertools_layer_and_no_other_unknown_one(
    session: boto3.Session,
) -> None:
    import pytest
    from botocore.exceptions import ClientError

    from labs.contract import powertools_layer_arn

    iam = session.client("iam")
    role = iam.create_role(RoleName=unique("layered"), AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    awslambda = session.client("lambda")
    function = {
        "Runtime": "python3.13",
        "Role": role,
        "Handler": "csv_writer.handler.handler",
        "Code": {"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
    }
    layer = powertools_layer_arn("us-east-1")

    created = awslambda.create_function(FunctionName=unique("layered"), Layers=[layer], **function)

    assert [used["Arn"] for used in created["Layers"]] == [layer]
    with pytest.raises(ClientError, match=r"UnknownLayerVersion|not found|does not exist"):
        awslambda.create_function(FunctionName=unique("other"), Layers=[layer[:-2] + "99"], **function)
