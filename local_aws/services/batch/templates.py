"""AWS Batch in CloudFormation: the compute environment, job queue and job definition a CDK template declares,
created, attributed and deleted as CloudFormation does (its template reference for AWS::Batch::*), and the
service-linked role Batch uses when a compute environment names no service role."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import backend, moto_name, original, replace, replace_classmethod

BATCH_SERVICE = "batch.amazonaws.com"
SERVICE_LINKED_ROLE = "AWSServiceRoleForBatch"


def _batch(account_id: str, region: str) -> Any:
    return backend("batch", account_id, region)


def _lowercase(value: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation's property names as the Batch API's (`MaxvCpus` -> `maxvCpus`), nested."""
    converted: dict[str, Any] = moto_name("batch.lowercase_first_key")(dict(value))
    return converted


def _tags(properties: Mapping[str, Any]) -> dict[str, str]:
    """A template's Tags (a map for these three types), keys kept as written."""
    return {str(k): str(v) for k, v in (properties.get("Tags") or {}).items()}


def service_linked_role(account_id: str, region: str) -> str:
    """The ARN of AWSServiceRoleForBatch, created when the account has none yet, as Batch creates it."""
    iam = backend("iam", account_id, region)
    found = next((role for role in iam.get_roles() if role.name == SERVICE_LINKED_ROLE), None)
    if found is None:
        found = iam.create_service_linked_role(
            service_name=BATCH_SERVICE,
            description="Allows Batch to create and manage AWS resources",
            suffix="",
        )
    return str(found.arn)


def _create_compute_environment(
    cls: Any, resource_name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any
) -> Any:
    properties = template.get("Properties") or {}
    role = properties.get("ServiceRole") or service_linked_role(account_id, region)
    environment = _batch(account_id, region).create_compute_environment(
        compute_environment_name=properties.get("ComputeEnvironmentName") or resource_name,
        _type=str(properties["Type"]).upper(),
        state=properties.get("State", "ENABLED"),
        compute_resources=_lowercase(properties.get("ComputeResources") or {}) or None,
        service_role=role,
        tags=_tags(properties) or None,
    )
    return environment


def _create_job_queue(
    cls: Any, resource_name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any
) -> Any:
    properties = template.get("Properties") or {}
    queue = _batch(account_id, region).create_job_queue(
        queue_name=properties.get("JobQueueName") or resource_name,
        priority=properties["Priority"],
        schedule_policy=properties.get("SchedulingPolicyArn"),
        state=properties.get("State", "ENABLED"),
        compute_env_order=[_lowercase(order) for order in properties["ComputeEnvironmentOrder"]],
        tags=_tags(properties) or None,
    )
    queue.labkit_time_limit_actions = [
        _lowercase(a) for a in properties.get("JobStateTimeLimitActions") or []
    ]
    return queue


def _create_job_definition(
    cls: Any, resource_name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any
) -> Any:
    properties = template.get("Properties") or {}

    def lowered(key: str) -> dict[str, Any] | None:
        return _lowercase(properties[key]) if key in properties else None

    return _batch(account_id, region).register_job_definition(
        def_name=properties.get("JobDefinitionName") or resource_name,
        parameters={str(k): str(v) for k, v in (properties.get("Parameters") or {}).items()},
        _type=str(properties.get("Type", "container")).lower(),
        tags=_tags(properties),
        retry_strategy=lowered("RetryStrategy"),
        container_properties=lowered("ContainerProperties"),
        node_properties=lowered("NodeProperties"),
        eks_properties=lowered("EksProperties"),
        timeout=lowered("Timeout") or {},
        platform_capabilities=list(properties.get("PlatformCapabilities") or ["EC2"]),
        propagate_tags=bool(properties.get("PropagateTags", False)),
    )


def _attributes(model: Any, names: dict[str, str]) -> None:
    """Fn::GetAtt on the model: each attribute name answers with the named property of the resource."""

    def has_cfn_attr(cls: Any, attribute: str) -> bool:
        return attribute in names

    def get_cfn_attribute(self: Any, attribute: str) -> Any:
        if attribute not in names:
            raise moto_name("cloudformation.UnformattedGetAttTemplateException")()
        return getattr(self, names[attribute])

    replace_classmethod(model, "has_cfn_attr", has_cfn_attr)
    replace(model, "get_cfn_attribute", get_cfn_attribute)


@parity_fix(
    "AWS::Batch::* in CloudFormation as a CDK template declares them",
    moto_does="requires a compute environment's ServiceRole (KeyError), refuses `Type: managed` in lower "
    "case, "
    "drops the FARGATE platform capability, PropagateTags and Timeout (it reads `timeout`), requires a "
    "RetryStrategy, lowercases the first letter of parameter and tag keys, drops the queue's tags and "
    "JobStateTimeLimitActions, answers no Fn::GetAtt (ComputeEnvironmentArn, JobQueueArn) and deletes "
    "none of the three with their stack",
    aws_does="creates them as the template says: without ServiceRole Batch uses its service-linked role "
    "AWSServiceRoleForBatch (created if missing), Type is case-insensitive, the job definition keeps its "
    "platform capabilities, timeout, retry strategy (optional), parameters and tags as written; GetAtt "
    "answers the ARNs; deleting the stack deletes the queue and environment and deregisters the job "
    "definition (CloudFormation template reference, AWS::Batch::ComputeEnvironment, JobQueue, JobDefinition)",
)
def batch_types_in_cloudformation() -> None:
    """Patches moto: AWS::Batch::* in CloudFormation as a CDK template declares them."""
    environment = moto_name("batch.ComputeEnvironment")
    queue = moto_name("batch.JobQueue")
    definition = moto_name("batch.JobDefinition")
    replace_classmethod(environment, "create_from_cloudformation_json", _create_compute_environment)
    replace_classmethod(queue, "create_from_cloudformation_json", _create_job_queue)
    replace_classmethod(definition, "create_from_cloudformation_json", _create_job_definition)
    _attributes(environment, {"ComputeEnvironmentArn": "arn"})
    _attributes(queue, {"JobQueueArn": "arn"})
    _attributes(definition, {"JobDefinitionArn": "arn"})

    def delete_environment(self: Any, account_id: str, region_name: str) -> None:
        _batch(account_id, region_name).delete_compute_environment(self.arn)

    def delete_queue(self: Any, account_id: str, region_name: str) -> None:
        _batch(account_id, region_name).delete_job_queue(self.arn)

    def deregister(self: Any, account_id: str, region_name: str) -> None:
        _batch(account_id, region_name).deregister_job_definition(self.arn)

    replace(environment, "delete", delete_environment)
    replace(queue, "delete", delete_queue)
    replace(definition, "delete", deregister)
    _queue_time_limits_in_the_api(queue)


def _queue_time_limits_in_the_api(queue: Any) -> None:
    """DescribeJobQueues shows a queue's jobStateTimeLimitActions; CreateJobQueue, UpdateJobQueue set them."""
    original_describe = original(queue, "describe")
    response = moto_name("batch.BatchResponse")

    def describe(self: Any) -> dict[str, Any]:
        described: dict[str, Any] = original_describe(self)
        described["jobStateTimeLimitActions"] = list(getattr(self, "labkit_time_limit_actions", None) or [])
        return described

    replace(queue, "describe", describe)
    for action, name_key, answer_key in (
        ("createjobqueue", "jobQueueName", "jobQueueName"),
        ("updatejobqueue", "jobQueue", "jobQueueName"),
    ):
        handler = original(response, action)

        def with_limits(
            self: Any, handler: Any = handler, name_key: str = name_key, key: str = answer_key
        ) -> str:
            answer: str = handler(self)
            actions = json.loads(self.body or "{}").get("jobStateTimeLimitActions")
            if actions is not None:
                created = self.batch_backend.get_job_queue(json.loads(answer)[key])
                if created is not None:
                    created.labkit_time_limit_actions = list(actions)
            return answer

        replace(response, action, with_limits)


@parity_fix(
    "Batch's service-linked role is AWSServiceRoleForBatch",
    moto_does="names the role CreateServiceLinkedRole makes for batch.amazonaws.com AWSServiceRoleForbatch",
    aws_does="names it AWSServiceRoleForBatch (IAM user guide, services that work with IAM; Batch user "
    "guide, "
    "using service-linked roles)",
)
def batch_service_linked_role_name() -> None:
    """Patches moto: Batch's service-linked role is AWSServiceRoleForBatch."""
    moto_name("iam.SERVICE_NAME_CONVERSION")["batch"] = "Batch"


FIXES: tuple[ParityFix, ...] = (batch_service_linked_role_name, batch_types_in_cloudformation)
