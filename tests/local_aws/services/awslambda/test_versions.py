"""Lambda parity for LabColdStart: warm environments, versions, aliases and provisioned concurrency.

The pinned moto runs no code without Docker, ignores Invoke's Qualifier query, has no provisioned concurrency
API and no AWS::Lambda::Alias in CloudFormation; AWS has all of them (local_aws/services/awslambda/).
"""

from __future__ import annotations

import base64
import json
import time

import boto3
import pytest

from tests.local_aws.services.stacks import deploy, function_zip, log_lines, python_function, status, unique

pytestmark = pytest.mark.emulator

COUNTER = """
    import os
    CALLS = []

    def handler(event, context):
        CALLS.append(1)
        return {"calls": len(CALLS), "version": context.function_version,
                "type": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]}
"""


def reports(session: boto3.Session, group: str) -> list[str]:
    return [line for line in log_lines(session, group) if line.startswith("REPORT")]


def wait_ready(awslambda: object, name: str, qualifier: str) -> dict[str, object]:
    for _ in range(100):
        config = awslambda.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)  # type: ignore[attr-defined]
        if config["Status"] != "IN_PROGRESS":
            return config  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError("provisioned concurrency never left IN_PROGRESS")


def test_a_second_invocation_is_warm_and_reports_no_init_duration(session: boto3.Session) -> None:
    group = unique("/labkit/counter")
    session.client("logs").create_log_group(logGroupName=group)
    name = python_function(session, COUNTER, log_group=group)
    awslambda = session.client("lambda")

    first = json.loads(awslambda.invoke(FunctionName=name)["Payload"].read())
    second = awslambda.invoke(FunctionName=name, LogType="Tail")

    assert first["calls"] == 1
    assert json.loads(second["Payload"].read())["calls"] == 2
    lines = reports(session, group)
    assert "\tInit Duration: " in lines[0]
    assert "Init Duration" not in lines[1]
    assert "Init Duration" not in base64.b64decode(second["LogResult"]).decode()
    streams = session.client("logs").describe_log_streams(logGroupName=group)["logStreams"]
    assert len(streams) == 1  # one environment, one log stream


def test_a_configuration_change_makes_the_next_invocation_cold(session: boto3.Session) -> None:
    group = unique("/labkit/counter")
    session.client("logs").create_log_group(logGroupName=group)
    name = python_function(session, COUNTER, log_group=group)
    awslambda = session.client("lambda")
    awslambda.invoke(FunctionName=name)

    awslambda.update_function_configuration(FunctionName=name, Description="force a cold start")
    after = json.loads(awslambda.invoke(FunctionName=name)["Payload"].read())

    assert after["calls"] == 1
    assert all("\tInit Duration: " in line for line in reports(session, group))


def test_an_alias_runs_its_version_and_provisioned_concurrency_serves_it_warm(session: boto3.Session) -> None:
    group = unique("/labkit/counter")
    session.client("logs").create_log_group(logGroupName=group)
    name = python_function(session, COUNTER, log_group=group)
    awslambda = session.client("lambda")
    version = awslambda.publish_version(FunctionName=name)["Version"]
    awslambda.create_alias(FunctionName=name, Name="live", FunctionVersion=version)

    put = awslambda.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=1
    )
    ready = wait_ready(awslambda, name, "live")
    answer = awslambda.invoke(FunctionName=name, Qualifier="live")

    assert put["Status"] == "IN_PROGRESS"
    assert put["RequestedProvisionedConcurrentExecutions"] == 1
    assert ready["Status"] == "READY"
    assert ready["AllocatedProvisionedConcurrentExecutions"] == 1
    assert answer["ExecutedVersion"] == version
    payload = json.loads(answer["Payload"].read())
    assert payload == {"calls": 1, "version": version, "type": "provisioned-concurrency"}
    assert "Init Duration" not in reports(session, group)[-1]
    assert any(line.startswith("INIT_START") for line in log_lines(session, group))
    listed = awslambda.list_provisioned_concurrency_configs(FunctionName=name)
    qualifiers = [item["FunctionArn"].rsplit(":", 1)[-1] for item in listed["ProvisionedConcurrencyConfigs"]]
    assert qualifiers == ["live"]


def test_provisioned_concurrency_is_refused_on_latest_and_gone_after_delete(session: boto3.Session) -> None:
    name = python_function(session, COUNTER)
    awslambda = session.client("lambda")
    version = awslambda.publish_version(FunctionName=name)["Version"]

    with pytest.raises(awslambda.exceptions.InvalidParameterValueException):
        awslambda.put_provisioned_concurrency_config(
            FunctionName=name, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1
        )
    awslambda.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier=version, ProvisionedConcurrentExecutions=1
    )
    wait_ready(awslambda, name, version)
    awslambda.delete_provisioned_concurrency_config(FunctionName=name, Qualifier=version)

    with pytest.raises(awslambda.exceptions.ProvisionedConcurrencyConfigNotFoundException):
        awslambda.get_provisioned_concurrency_config(FunctionName=name, Qualifier=version)


def test_cloudformation_creates_an_alias_on_a_version_with_provisioned_concurrency(
    session: boto3.Session,
) -> None:
    name = python_function(session, COUNTER)
    stack = deploy(
        session,
        {
            "Version": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": name}},
            "Live": {
                "Type": "AWS::Lambda::Alias",
                "Properties": {
                    "FunctionName": name,
                    "FunctionVersion": {"Fn::GetAtt": ["Version", "Version"]},
                    "Name": "live",
                    "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 1},
                },
            },
        },
    )
    awslambda = session.client("lambda")

    alias = awslambda.get_alias(FunctionName=name, Name="live")
    config = awslambda.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    resources = session.client("cloudformation").describe_stack_resources(StackName=stack)["StackResources"]

    assert status(session, stack) == "CREATE_COMPLETE"
    assert alias["FunctionVersion"] == "1"
    assert config["Status"] == "READY"
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}
    assert physical["Live"].endswith(f":function:{name}:live")
    assert physical["Version"].endswith(f":function:{name}:1")


def test_cloudformation_creates_a_function_on_the_architecture_and_with_the_tags_the_template_names(
    session: boto3.Session,
) -> None:
    role = session.client("iam").create_role(RoleName=unique("fn"), AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    stack = deploy(
        session,
        {
            "Function": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.13",
                    "Handler": "index.handler",
                    "Role": role,
                    "Architectures": ["arm64"],
                    "Code": {"ZipFile": "def handler(event, context):\n    return 1\n"},
                    "Tags": [{"Key": "labkit:lab", "Value": "LabColdStart"}],
                },
            }
        },
    )
    resources = session.client("cloudformation").describe_stack_resources(StackName=stack)["StackResources"]
    name = resources[0]["PhysicalResourceId"]

    configuration = session.client("lambda").get_function_configuration(FunctionName=name)
    tags = session.client("lambda").list_tags(Resource=configuration["FunctionArn"])["Tags"]

    assert configuration["Architectures"] == ["arm64"]
    assert tags == {"labkit:lab": "LabColdStart"}  # what a policy's aws:ResourceTag condition reads


def test_a_stack_update_moves_the_alias_to_a_new_version_and_drops_its_provisioned_concurrency(
    session: boto3.Session,
) -> None:
    name = python_function(session, COUNTER)
    alias = {
        "Type": "AWS::Lambda::Alias",
        "Properties": {
            "FunctionName": name,
            "FunctionVersion": {"Fn::GetAtt": ["Version1", "Version"]},
            "Name": "live",
            "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 1},
        },
    }
    first = {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": name}}
    stack = deploy(session, {"Version1": first, "Live": alias})
    awslambda = session.client("lambda")
    awslambda.update_function_configuration(FunctionName=name, Description="new code")
    moved = {
        **alias,
        "Properties": {
            "FunctionName": name,
            "FunctionVersion": {"Fn::GetAtt": ["Version2", "Version"]},
            "Name": "live",
        },
    }
    second = {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": name, "Description": "2"}}
    cloudformation = session.client("cloudformation")
    template = {"Resources": {"Version1": first, "Version2": second, "Live": moved}}
    stack_name = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackName"]
    cloudformation.create_change_set(
        StackName=stack_name,
        ChangeSetName="update",
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(template),
    )
    cloudformation.execute_change_set(StackName=stack_name, ChangeSetName="update")

    assert status(session, stack) == "UPDATE_COMPLETE"
    assert awslambda.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == "2"
    with pytest.raises(awslambda.exceptions.ProvisionedConcurrencyConfigNotFoundException):
        awslambda.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")


def test_a_json_log_format_function_gets_the_platform_events_as_json(session: boto3.Session) -> None:
    group = unique("/labkit/json")
    session.client("logs").create_log_group(logGroupName=group)
    iam = session.client("iam")
    role = iam.create_role(RoleName=unique("fn"), AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    name = unique("fn")
    awslambda = session.client("lambda")
    awslambda.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": function_zip({"app.py": COUNTER})},
        LoggingConfig={"LogGroup": group, "LogFormat": "JSON"},
    )

    awslambda.invoke(FunctionName=name)
    awslambda.invoke(FunctionName=name)
    events = [json.loads(line) for line in log_lines(session, group)]
    reports = [event["record"] for event in events if event["type"] == "platform.report"]

    assert events[0]["type"] == "platform.initStart"
    assert events[0]["record"]["initializationType"] == "on-demand"
    assert reports[0]["metrics"]["initDurationMs"] > 0
    assert "initDurationMs" not in reports[1]["metrics"]
