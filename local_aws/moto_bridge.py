"""The emulator's one door into moto: the pinned release, every moto name it reaches, every private attribute.

The fixes patch moto's internals, which change between releases; an upgrade of moto is reviewed in this file:
- `MOTO_VERSION`: the release the fixes were written against (pyproject.toml pins the same; a test compares);
- `MOTO_NAMES`: every attribute of a moto module the services use, by a short key: `moto_name("ec2.Instance")`
  imports it when a fix is applied, never when this module is imported (the client imports no moto);
- `PRIVATE_ATTRIBUTES`: the private attributes of moto's objects the services read or set, each through one
  accessor below (`created_resources(resource_map)` is ResourceMap._parsed_resources);
- the patch helpers (`original`, `replace`, `replace_classmethod`), moto's server, settings and model caches.
tests/local_aws/test_moto_bridge.py checks the installed moto is MOTO_VERSION and still has every name and
attribute listed, and a layout test that no other module of local_aws imports moto or names its modules.
moto's own type hints cannot describe a monkey patch: what this module hands out is `Any`.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable
from typing import Any

MOTO_VERSION = "5.2.5"
# the request header moto's server reads to act in another account
ACCOUNT_HEADER = "x-moto-account-id"
# the port moto's server puts into the callback URLs it hands out (a custom resource's response URL)
_PORT_VARIABLE = "MOTO_PORT"
# what moto reads from the environment once, when first imported: its server sends no CORS headers
SETTINGS_ENVIRONMENT = {"MOTO_DISABLE_GLOBAL_CORS": "true"}


class ParityError(RuntimeError):
    """The installed moto is not the one the fixes were written against, or refused what a fix added."""


# key -> (moto module, attribute); None: the module itself
MOTO_NAMES: dict[str, tuple[str, str | None]] = {
    "autoscaling.ASG_NAME_TAG": ("moto.autoscaling.models", "ASG_NAME_TAG"),
    "autoscaling.AutoScalingResponse": ("moto.autoscaling.responses", "AutoScalingResponse"),
    "autoscaling.FakeAutoScalingGroup": ("moto.autoscaling.models", "FakeAutoScalingGroup"),
    "autoscaling.InstanceState": ("moto.autoscaling.models", "InstanceState"),
    "autoscaling.backends": ("moto.autoscaling.models", "autoscaling_backends"),
    "awslambda.EventSourceMapping": ("moto.awslambda.models", "EventSourceMapping"),
    "batch.BatchBackend": ("moto.batch.models", "BatchBackend"),
    "batch.BatchResponse": ("moto.batch.responses", "BatchResponse"),
    "batch.ClientException": ("moto.batch.exceptions", "ClientException"),
    "batch.ComputeEnvironment": ("moto.batch.models", "ComputeEnvironment"),
    "batch.Job": ("moto.batch.models", "Job"),
    "batch.JobDefinition": ("moto.batch.models", "JobDefinition"),
    "batch.JobQueue": ("moto.batch.models", "JobQueue"),
    "batch.backends": ("moto.batch.models", "batch_backends"),
    "batch.lowercase_first_key": ("moto.batch.utils", "lowercase_first_key"),
    "awslambda.InvalidParameterValueException": (
        "moto.awslambda.exceptions",
        "InvalidParameterValueException",
    ),
    "awslambda.LambdaBackend": ("moto.awslambda.models", "LambdaBackend"),
    "awslambda.LambdaFunction": ("moto.awslambda.models", "LambdaFunction"),
    "awslambda.LambdaResponse": ("moto.awslambda.responses", "LambdaResponse"),
    "awslambda.LambdaSimpleBackend": ("moto.awslambda_simple.models", "LambdaSimpleBackend"),
    "awslambda.LambdaVersion": ("moto.awslambda.models", "LambdaVersion"),
    "awslambda.UnknownFunctionException": ("moto.awslambda.exceptions", "UnknownFunctionException"),
    "awslambda.get_backend": ("moto.awslambda.utils", "get_backend"),
    "awslambda.urls": ("moto.awslambda.urls", None),
    "cloudformation.CloudFormationBackend": ("moto.cloudformation.models", "CloudFormationBackend"),
    "cloudformation.CloudFormationError": ("moto.cloudformation.exceptions", "CloudFormationError"),
    "cloudformation.CloudFormationResponse": ("moto.cloudformation.responses", "CloudFormationResponse"),
    "cloudformation.CustomModel": ("moto.cloudformation.custom_model", "CustomModel"),
    "cloudformation.Event": ("moto.cloudformation.models", "Event"),
    "cloudformation.ResourceMap": ("moto.cloudformation.parsing", "ResourceMap"),
    "cloudformation.Stack": ("moto.cloudformation.models", "Stack"),
    "cloudformation.UnformattedGetAttTemplateException": (
        "moto.cloudformation.exceptions",
        "UnformattedGetAttTemplateException",
    ),
    "cloudformation.ValidationError": ("moto.cloudformation.exceptions", "ValidationError"),
    "cloudformation.backends": ("moto.cloudformation.models", "cloudformation_backends"),
    "cloudformation.parsing": ("moto.cloudformation.parsing", None),
    "core.AccessDeniedError": ("moto.core.exceptions", "AccessDeniedError"),
    "core.ActionResult": ("moto.core.responses", "ActionResult"),
    "core.BaseResponse": ("moto.core.responses", "BaseResponse"),
    "core.CloudFormationModel": ("moto.core.common_models", "CloudFormationModel"),
    "core.EmptyResult": ("moto.core.responses", "EmptyResult"),
    "core.JsonRESTError": ("moto.core.exceptions", "JsonRESTError"),
    "core.default_user_config": ("moto.core.config", "default_user_config"),
    "dynamodb.StreamRecord": ("moto.dynamodb.models.table", "StreamRecord"),
    "dynamodb.StreamShard": ("moto.dynamodb.models.table", "StreamShard"),
    "dynamodb.backends": ("moto.dynamodb.models", "dynamodb_backends"),
    "ec2.EBSBackend": ("moto.ec2.models.elastic_block_store", "EBSBackend"),
    "ec2.EC2ClientError": ("moto.ec2.exceptions", "EC2ClientError"),
    "ec2.ElasticAddress": ("moto.ec2.models.elastic_ip_addresses", "ElasticAddress"),
    "ec2.ElasticBlockStore": ("moto.ec2.responses.elastic_block_store", "ElasticBlockStore"),
    "ec2.INSTANCE_TYPE_OFFERINGS": ("moto.ec2.models.instance_types", "INSTANCE_TYPE_OFFERINGS"),
    "ec2.Instance": ("moto.ec2.models.instances", "Instance"),
    "ec2.InternetGateway": ("moto.ec2.models.internet_gateways", "InternetGateway"),
    "ec2.InvalidAllocationIdError": ("moto.ec2.exceptions", "InvalidAllocationIdError"),
    "ec2.InvalidLaunchTemplateNameNotFoundError": (
        "moto.ec2.exceptions",
        "InvalidLaunchTemplateNameNotFoundError",
    ),
    "ec2.LaunchTemplate": ("moto.ec2.models.launch_templates", "LaunchTemplate"),
    "ec2.Route": ("moto.ec2.models.route_tables", "Route"),
    "ec2.RouteTable": ("moto.ec2.models.route_tables", "RouteTable"),
    "ec2.SpotInstanceRequest": ("moto.ec2.models.spot_requests", "SpotInstanceRequest"),
    "ec2.SpotInstances": ("moto.ec2.responses.spot_instances", "SpotInstances"),
    "ec2.SubnetRouteTableAssociation": ("moto.ec2.models.subnets", "SubnetRouteTableAssociation"),
    "ec2.VPCGatewayAttachment": ("moto.ec2.models.vpn_gateway", "VPCGatewayAttachment"),
    "ec2.Volume": ("moto.ec2.models.elastic_block_store", "Volume"),
    "ec2.VolumeAttachment": ("moto.ec2.models.elastic_block_store", "VolumeAttachment"),
    "ec2.VolumeInUseError": ("moto.ec2.exceptions", "VolumeInUseError"),
    "ec2.backends": ("moto.ec2.models", "ec2_backends"),
    "ec2.random_spot_request_id": ("moto.ec2.utils", "random_spot_request_id"),
    "efs.EFSBackend": ("moto.efs.models", "EFSBackend"),
    "efs.FileSystem": ("moto.efs.models", "FileSystem"),
    "efs.backends": ("moto.efs.models", "efs_backends"),
    "events.Rule": ("moto.events.models", "Rule"),
    "events.backends": ("moto.events.models", "events_backends"),
    "fis.FISBackend": ("moto.fis.models", "FISBackend"),
    "fis.backends": ("moto.fis.models", "fis_backends"),
    "iam.IAMBackend": ("moto.iam.models", "IAMBackend"),
    "iam.IamResponse": ("moto.iam.responses", "IamResponse"),
    "iam.Role": ("moto.iam.models", "Role"),
    "iam.NoSuchEntity": ("moto.iam.exceptions", "NoSuchEntity"),
    "iam.SERVICE_NAME_CONVERSION": ("moto.iam.models", "SERVICE_NAME_CONVERSION"),
    "iam.aws_managed_policies_data": ("moto.iam.aws_managed_policies", "aws_managed_policies_data"),
    "iam.backends": ("moto.iam.models", "iam_backends"),
    "kms.backends": ("moto.kms.models", "kms_backends"),
    "logs.ResourceAlreadyExistsException": ("moto.logs.exceptions", "ResourceAlreadyExistsException"),
    "logs.backends": ("moto.logs.models", "logs_backends"),
    "moto_server.DomainDispatcherApplication": (
        "moto.moto_server.werkzeug_app",
        "DomainDispatcherApplication",
    ),
    "moto_server.MotoRequestHandler": ("moto.moto_server.werkzeug_app", "MotoRequestHandler"),
    "moto_server.create_backend_app": ("moto.moto_server.werkzeug_app", "create_backend_app"),
    "s3.BucketNotEmpty": ("moto.s3.exceptions", "BucketNotEmpty"),
    "s3.FakeBucket": ("moto.s3.models", "FakeBucket"),
    "s3.backends": ("moto.s3.models", "s3_backends"),
    "scheduler.EventBridgeSchedulerBackend": ("moto.scheduler.models", "EventBridgeSchedulerBackend"),
    "scheduler.backends": ("moto.scheduler.models", "scheduler_backends"),
    "sns.backends": ("moto.sns.models", "sns_backends"),
    "sqs.backends": ("moto.sqs.models", "sqs_backends"),
    "ssm.Parameter": ("moto.ssm.models", "Parameter"),
    "ssm.SSMException": ("moto.ssm.exceptions", "SSMException"),
    "ssm.SimpleSystemManagerBackend": ("moto.ssm.models", "SimpleSystemManagerBackend"),
    "ssm.SimpleSystemManagerResponse": ("moto.ssm.responses", "SimpleSystemManagerResponse"),
    "ssm.backends": ("moto.ssm.models", "ssm_backends"),
    "stepfunctions.StateMachine": ("moto.stepfunctions.models", "StateMachine"),
    "stepfunctions.cfn_to_api_tags": ("moto.stepfunctions.utils", "cfn_to_api_tags"),
    "stepfunctions.get_backend": ("moto.stepfunctions.responses", "get_backend"),
    "stepfunctions.lambda_eval_utils": (
        "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils",
        None,
    ),
    "sts.TokenResponse": ("moto.sts.responses", "TokenResponse"),
    "sts.backends": ("moto.sts.models", "sts_backends"),
    "utilities.get_partition": ("moto.utilities.utils", "get_partition"),
    "utilities.parse_arn": ("moto.utilities.arns", "parse_arn"),
}

# the private attributes the services reach, each through the accessor named beside it: attribute -> the key
# of the moto class that has it (a method, or an attribute its __init__ sets)
PRIVATE_ATTRIBUTES: dict[str, str] = {
    "_get_param": "core.BaseResponse",  # request_param
    "_filters_from_querystring": "ec2.SpotInstances",  # request_filters
    "_template": "cloudformation.ResourceMap",  # stack_template, set_stack_template
    "_resource_json_map": "cloudformation.ResourceMap",  # template_resources, set_template_resources
    "_parsed_resources": "cloudformation.ResourceMap",  # created_resources, set_created_resources
    "_delete_resource": "cloudformation.ResourceMap",  # delete_stack_resource
    "_account_id": "cloudformation.ResourceMap",  # resource_map_place
    "_region_name": "cloudformation.ResourceMap",  # resource_map_place
    "_add_stack_event": "cloudformation.Stack",  # add_stack_event
    "_create_output_map": "cloudformation.Stack",  # refresh_stack_outputs
    "_associations": "ec2.RouteTable",  # route_table_associations
    "_status_code": "ec2.SpotInstanceRequest",  # spot_request_code, set_spot_request_code
    "_parameters": "ssm.SimpleSystemManagerBackend",  # parameter_versions
    "_get_layers_data": "awslambda.LambdaFunction",  # layers_data, wrap_private_method
    "_event_source_mappings": "awslambda.LambdaBackend",  # event_source_mappings
    "_create_default_encryption_key": "ec2.EBSBackend",  # wrap_private_method
    "_child_jobs": "batch.Job",  # child_jobs
    "_vpc_config": "awslambda.LambdaFunction",  # function_vpc_config
}

# services whose backends are kept per partition, not per region
_PER_PARTITION = {"iam", "s3", "sts"}
# services whose API answers from a backend moto picks by configuration (moto keeps two of each)
_CHOSEN_BACKEND = {"lambda": "awslambda.get_backend", "stepfunctions": "stepfunctions.get_backend"}


# -- the pin -------------------------------------------------------------------------------------------------
def installed_version() -> str:
    """The release of moto installed in this environment."""
    import importlib.metadata

    return importlib.metadata.version("moto")


def check_moto_version() -> None:
    """Refuse to patch a moto other than the pinned one, whose internals the fixes rely on."""
    installed = installed_version()
    if installed != MOTO_VERSION:
        raise ParityError(
            f"the emulator's parity fixes patch moto {MOTO_VERSION} internals, but moto {installed} is "
            "installed: run `make setup` to install the pinned version"
        )


# -- names ---------------------------------------------------------------------------------------------------
def moto_name(key: str) -> Any:
    """The moto module attribute (or module) MOTO_NAMES lists under `key`, imported now."""
    module, attribute = MOTO_NAMES[key]
    imported = importlib.import_module(module)
    return imported if attribute is None else getattr(imported, attribute)


def backends(service: str) -> Any:
    """A moto service's backends of every account and region (`backends("dynamodb")[account][region]`)."""
    return moto_name(f"{service}.backends")


def backend(service: str, account_id: str, region: str) -> Any:
    """One account's and region's backend of a moto service: IAM, S3 and STS keep one per partition; Lambda
    and Step Functions the one their API answers from."""
    if service in _CHOSEN_BACKEND:
        return moto_name(_CHOSEN_BACKEND[service])(account_id, region)
    where = moto_name("utilities.get_partition")(region) if service in _PER_PARTITION else region
    return backends(service)[account_id][where]


# -- patching ------------------------------------------------------------------------------------------------
def original(owner: Any, name: str) -> Callable[..., Any]:
    """The plain function behind a method or classmethod, for its replacement to call."""
    attribute = inspect.getattr_static(owner, name)
    function: Callable[..., Any] = attribute.__func__ if isinstance(attribute, classmethod) else attribute
    return function


def replace(owner: Any, name: str, replacement: Any) -> None:
    """Put a replacement in place of an attribute of a moto class or module."""
    setattr(owner, name, replacement)


def wrap_private_method(owner: Any, name: str, make: Callable[[Callable[..., Any]], Any]) -> None:
    """Put `make(moto's function)` in place of a private method PRIVATE_ATTRIBUTES lists of a moto class."""
    if name not in PRIVATE_ATTRIBUTES:
        raise ParityError(f"{name} is not a private attribute the bridge lists")
    replace(owner, name, make(original(owner, name)))


def replace_classmethod(owner: Any, name: str, function: Callable[..., Any]) -> None:
    """Put a function in place of a moto classmethod."""
    setattr(owner, name, classmethod(function))


# -- the server ----------------------------------------------------------------------------------------------
def settle_environment() -> None:
    """Put SETTINGS_ENVIRONMENT in place before moto is imported; refuse a moto imported without it."""
    os.environ.update(SETTINGS_ENVIRONMENT)
    settings = sys.modules.get("moto.settings")
    if settings is not None and not settings.DISABLE_GLOBAL_CORS:
        raise ParityError("moto was imported before its CORS headers were turned off")


def configure(settings: dict[str, dict[str, bool]]) -> None:
    """The settings POST /moto-api/config would set, in place before the first request."""
    user_config = moto_name("core.default_user_config")
    for service, values in settings.items():
        user_config[service] = {**user_config.get(service, {}), **values}


def wsgi_app() -> tuple[Any, Any]:
    """moto's server application (every service by host and path) and its request handler class."""
    dispatcher = moto_name("moto_server.DomainDispatcherApplication")
    return dispatcher(moto_name("moto_server.create_backend_app")), moto_name(
        "moto_server.MotoRequestHandler"
    )


def announce_port(port: int) -> None:
    """Tell moto the port it serves on: it puts it into the callback URLs it hands out."""
    os.environ[_PORT_VARIABLE] = str(port)


def register_cloudformation_model(model: type, type_name: str) -> None:
    """Make moto's CloudFormation see a model class just defined (it finds them by subclass, cached)."""
    parsing = moto_name("cloudformation.parsing")
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    if parsing.get_model_map().get(type_name) is not model:
        raise ParityError(f"moto did not register the {type_name} model")


# -- private attributes (PRIVATE_ATTRIBUTES) -----------------------------------------------------------------
def request_param(response: Any, name: str, default: Any = None) -> Any:
    """A parameter of the request a moto response class is answering."""
    return response._get_param(name, default)


def request_filters(response: Any) -> dict[str, Any]:
    """An EC2 request's Filter.N parameters, by filter name."""
    filters: dict[str, Any] = response._filters_from_querystring()
    return filters


def stack_template(resource_map: Any) -> dict[str, Any]:
    """The template a stack's resource map was built from."""
    template: dict[str, Any] = resource_map._template
    return template


def set_stack_template(resource_map: Any, template: dict[str, Any]) -> None:
    """Give a stack's resource map another template."""
    resource_map._template = template


def template_resources(resource_map: Any) -> dict[str, Any]:
    """The template's Resources section: logical id -> its JSON."""
    resources: dict[str, Any] = resource_map._resource_json_map
    return resources


def set_template_resources(resource_map: Any, resources: dict[str, Any]) -> None:
    """Replace the Resources section a stack's resource map works from."""
    resource_map._resource_json_map = resources


def created_resources(resource_map: Any) -> dict[str, Any]:
    """The resources the stack created, by logical id (the live dictionary: changes stick)."""
    created: dict[str, Any] = resource_map._parsed_resources
    return created


def set_created_resources(resource_map: Any, resources: dict[str, Any]) -> None:
    """Replace the resources a stack counts as created."""
    resource_map._parsed_resources = resources


def delete_stack_resource(resource_map: Any, resource: Any, resource_json: dict[str, Any]) -> None:
    """Delete one resource of a stack as moto's CloudFormation does."""
    resource_map._delete_resource(resource, resource_json)


def resource_map_place(resource_map: Any) -> tuple[str, str]:
    """(account id, region) of a stack's resource map."""
    return str(resource_map._account_id), str(resource_map._region_name)


def add_stack_event(stack: Any, status: str, reason: str) -> None:
    """An event of the stack itself, as DescribeStackEvents lists it."""
    stack._add_stack_event(status, resource_status_reason=reason)


def refresh_stack_outputs(stack: Any) -> None:
    """Compute a stack's outputs again from its template and resources."""
    stack.output_map = stack._create_output_map()


def route_table_associations(table: Any) -> dict[str, str]:
    """A route table's associations: association id -> subnet id."""
    associations: dict[str, str] = table._associations
    return associations


def spot_request_code(request: Any) -> str:
    """A Spot request's status code (fulfilled, marked-for-termination, ...)."""
    return str(request._status_code)


def set_spot_request_code(request: Any, code: str) -> None:
    """Set a Spot request's status code."""
    request._status_code = code


def parameter_versions(ssm_backend: Any, name: str) -> Any:
    """Every version of an SSM parameter, oldest first (append a new one to publish it)."""
    return ssm_backend._parameters[name]


def layers_data(function: Any, arns: list[str]) -> list[dict[str, Any]]:
    """A Lambda function's Layers as its configuration shows them."""
    data: list[dict[str, Any]] = function._get_layers_data(arns)
    return data


def event_source_mappings(lambda_backend: Any) -> dict[str, Any]:
    """A Lambda backend's event source mappings, by UUID."""
    mappings: dict[str, Any] = lambda_backend._event_source_mappings
    return mappings


def child_jobs(job: Any) -> list[Any]:
    """An array job's children, in index order (none for any other job)."""
    return list(job._child_jobs or [])


def function_vpc_config(function: Any) -> dict[str, Any] | None:
    """A Lambda function's VpcConfig as it was given (moto's own property adds a made-up VpcId)."""
    config: dict[str, Any] | None = function._vpc_config
    return config
