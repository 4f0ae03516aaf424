"""Record every AWS call a command makes (botocore's one entry point for a call), and judge each against
the teacher role's policy with IAM's policy simulator (the emulator's, conditions decided on the call's
context: the resource's account and its labkit:lab tag), as AWS would authorize it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

import boto3
import botocore.client

from labs.shared_facts import TAG_LAB

# IAM's action names where they differ from the API's operation names (service authorization reference)
_ACTION_NAMES = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("lambda", "Invoke"): "lambda:InvokeFunction",
    ("tagging", "GetResources"): "tag:GetResources",
}
# every write the class tools make through the teacher's role: the checks', the guard's and the destroy's
WRITES = frozenset(
    {
        "batch:SubmitJob",
        "cloudformation:DeleteStack",
        "dynamodb:PutItem",
        "ec2:TerminateInstances",
        "fis:StartExperiment",
        "lambda:InvokeFunction",
        "lambda:UpdateFunctionConfiguration",
        "states:StartExecution",
    }
)
# calls every principal may make, which IAM does not authorize (STS API reference, GetCallerIdentity)
UNAUTHORIZED = frozenset({"sts:GetCallerIdentity"})


@dataclass(frozen=True)
class Call:
    """One AWS call: the IAM action, its parameters, the region, and the credentials it was signed with."""

    action: str
    params: dict[str, Any]
    region: str
    credentials: tuple[str, str, str | None]


@dataclass
class Recorder:
    """The calls made while recording, from every thread."""

    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)


def iam_action(client: Any, operation: str) -> str:
    """The IAM action a client's operation is authorized as."""
    signing = client.meta.service_model.signing_name
    return _ACTION_NAMES.get((signing, operation), f"{signing}:{operation}")


@contextmanager
def recording() -> Iterator[Recorder]:
    """Every botocore call made in this process until the block ends."""
    recorder = Recorder()
    original = botocore.client.BaseClient._make_api_call

    def make_api_call(self: Any, operation: str, params: dict[str, Any]) -> Any:
        frozen = self._request_signer._credentials.get_frozen_credentials()
        recorder.add(
            Call(
                action=iam_action(self, operation),
                params=dict(params),
                region=self.meta.region_name,
                credentials=(frozen.access_key, frozen.secret_key, frozen.token),
            )
        )
        return original(self, operation, params)

    with patch.object(botocore.client.BaseClient, "_make_api_call", make_api_call):
        yield recorder


def _function(params: dict[str, Any]) -> str:
    name = str(params["FunctionName"])
    name = name.split(":")[6] if name.startswith("arn:") else name
    return f"function:{name}" + (f":{params['Qualifier']}" if params.get("Qualifier") else "")


# the resource part of the ARN each resource-scoped call is authorized on (its service, its resources)
_RESOURCES: dict[str, tuple[str, Any]] = {
    "dynamodb:PutItem": ("dynamodb", lambda p: [f"table/{p['TableName']}"]),
    "lambda:InvokeFunction": ("lambda", lambda p: [_function(p)]),
    "lambda:UpdateFunctionConfiguration": ("lambda", lambda p: [_function(p)]),
    "ec2:TerminateInstances": ("ec2", lambda p: [f"instance/{i}" for i in p["InstanceIds"]]),
    "fis:StartExperiment": ("fis", lambda p: [f"experiment-template/{p['experimentTemplateId']}"]),
    "ssm:GetParameter": ("ssm", lambda p: [f"parameter{p['Name']}"]),
    # SubmitJob is authorized on the queue and on the job definition (Batch's service authorization reference)
    "batch:SubmitJob": (
        "batch",
        lambda p: [_batch(p["jobQueue"], "job-queue"), _batch(p["jobDefinition"], "job-definition")],
    ),
}
# calls whose parameter is the resource's ARN itself
_ARN_PARAMETERS = {"cloudformation:DeleteStack": "StackName", "states:StartExecution": "stateMachineArn"}


def _batch(named: str, kind: str) -> str:
    """A Batch resource as its ARN's resource part, whether the call named it by ARN or by name."""
    return named.split(":", 5)[5] if named.startswith("arn:") else f"{kind}/{named}"


def resources(call: Call, account: str) -> list[str]:
    """The ARNs IAM authorizes the call on ("*" for calls on no particular resource)."""
    if call.action in _ARN_PARAMETERS:
        return [str(call.params[_ARN_PARAMETERS[call.action]])]
    if call.action not in _RESOURCES:
        return ["*"]
    service, parts = _RESOURCES[call.action]
    return [f"arn:aws:{service}:{call.region}:{account}:{part}" for part in parts(call.params)]


def lab_tag(admin: boto3.Session, call: Call, resource: str) -> str | None:
    """The labkit:lab tag of the resource a tag-conditioned write acts on, read as its account's admin."""
    tags: dict[str, str] = {}
    if call.action in {"lambda:InvokeFunction", "lambda:UpdateFunctionConfiguration"}:
        function = resource.rsplit(":", 1)[0] if resource.count(":") > 6 else resource
        tags = admin.client("lambda").list_tags(Resource=function)["Tags"]
    elif call.action == "states:StartExecution":
        listed = admin.client("stepfunctions").list_tags_for_resource(resourceArn=resource)["tags"]
        tags = {t["key"]: t["value"] for t in listed}
    elif call.action == "ec2:TerminateInstances":
        found = admin.client("ec2").describe_tags(
            Filters=[{"Name": "resource-id", "Values": [resource.rsplit("/", 1)[1]]}]
        )["Tags"]
        tags = {t["Key"]: t["Value"] for t in found}
    elif call.action == "batch:SubmitJob":
        tags = admin.client("batch").list_tags_for_resource(resourceArn=resource)["tags"]
    elif call.action == "fis:StartExperiment":
        template = admin.client("fis").get_experiment_template(id=resource.rsplit("/", 1)[1])
        tags = template["experimentTemplate"].get("tags", {})
    return tags.get(TAG_LAB)


def decision(admin: boto3.Session, role_arn: str, action: str, resource: str, context: dict[str, str]) -> str:
    """IAM's decision for the role: allowed, implicitDeny or explicitDeny."""
    entries: list[Any] = [
        {"ContextKeyName": key, "ContextKeyValues": [value], "ContextKeyType": "string"}
        for key, value in context.items()
    ]
    answer = admin.client("iam").simulate_principal_policy(
        PolicySourceArn=role_arn, ActionNames=[action], ResourceArns=[resource], ContextEntries=entries
    )
    return str(answer["EvaluationResults"][0]["EvalDecision"])
