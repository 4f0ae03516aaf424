"""Does a resource a DELETE_FAILED stack still lists exist? One that was deleted by hand is no leftover."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.deployed.session import error_code, unless_gone

if TYPE_CHECKING:
    import boto3


def _log_group(session: Any, name: str) -> Any | None:
    groups = session.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return next((group for group in groups if group["logGroupName"] == name), None)


# a probe per resource type the labs create that a learner may delete by hand; other types count as present
_PROBES: dict[str, Callable[[Any, str], Any]] = {
    "AWS::Lambda::Function": lambda s, i: unless_gone(s.client("lambda").get_function, FunctionName=i),
    "AWS::Lambda::EventSourceMapping": lambda s, i: unless_gone(
        s.client("lambda").get_event_source_mapping, UUID=i
    ),
    "AWS::DynamoDB::Table": lambda s, i: unless_gone(s.client("dynamodb").describe_table, TableName=i),
    "AWS::IAM::Role": lambda s, i: unless_gone(s.client("iam").get_role, RoleName=i),
    "AWS::SQS::Queue": lambda s, i: unless_gone(s.client("sqs").get_queue_attributes, QueueUrl=i),
    "AWS::StepFunctions::StateMachine": lambda s, i: unless_gone(
        s.client("stepfunctions").describe_state_machine, stateMachineArn=i
    ),
    "AWS::Logs::LogGroup": _log_group,
    "AWS::S3::Bucket": lambda s, i: unless_gone(s.client("s3").head_bucket, Bucket=i),
}
# what each service answers for a resource that is gone, beyond the codes unless_gone knows
_GONE = frozenset({"404", "NoSuchBucket", "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
                   "StateMachineDoesNotExist", "InvalidArn"})  # fmt: skip


def still_exists(session: boto3.Session, resource_type: str, physical_id: str) -> bool:
    """False only when the resource's own service says it is gone; any doubt counts as present."""
    probe = _PROBES.get(resource_type)
    if probe is None or not physical_id:
        return True
    try:
        return probe(session, physical_id) is not None
    except ClientError as error:
        return error_code(error) not in _GONE
