"""Lambda parity fixes: a function's code really runs (runtime/), and it logs to the log group its
LoggingConfig names, which its stack deletes."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import (
    layers_data,
    moto_name,
    original,
    replace,
    replace_classmethod,
    wrap_private_method,
)
from local_aws.services.awslambda import versions
from local_aws.services.awslambda.runtime import service


@parity_fix(
    "Lambda logs to its configured log group",
    moto_does="ignores a function's LoggingConfig and creates /aws/lambda/<name> when it is invoked, a log "
    "group no stack deletes",
    aws_does="writes to LoggingConfig.LogGroup (the stack's own log group) and reports it in the "
    "configuration",
)
def lambda_logs_to_configured_log_group() -> None:
    """Patches moto: Lambda logs to its configured log group."""
    function_class = moto_name("awslambda.LambdaFunction")
    original_init = original(function_class, "__init__")
    original_create = original(function_class, "create_from_cloudformation_json")
    original_configuration = original(function_class, "get_configuration")

    def use_log_group(function: Any, logging_config: dict[str, Any] | None) -> None:
        function.labkit_logging_config = logging_config
        if logging_config and logging_config.get("LogGroup"):
            function.logs_group_name = logging_config["LogGroup"]

    @functools.wraps(original_init)
    def init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        use_log_group(self, spec.get("LoggingConfig"))

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        function = original_create(cls, name, template, account_id, region, **kw)
        use_log_group(function, template["Properties"].get("LoggingConfig"))
        return function

    @functools.wraps(original_configuration)
    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        configuration: dict[str, Any] = original_configuration(self, *args, **kwargs)
        configuration["LoggingConfig"] = {
            "LogFormat": "Text",
            "LogGroup": self.logs_group_name,
            **(getattr(self, "labkit_logging_config", None) or {}),
        }
        return configuration

    replace(function_class, "__init__", init)
    replace_classmethod(function_class, "create_from_cloudformation_json", create)
    replace(function_class, "get_configuration", get_configuration)


def _header(headers: Any, name: str) -> str:
    """A request header by name, whether moto passes HTTP headers (any case) or a plain dict."""
    if not headers:
        return ""
    value = headers.get(name) or headers.get(name.lower()) or ""
    return str(value)


@parity_fix(
    "Lambda runs the function's deployed code",
    moto_does="runs functions in Docker only; without it an invoke answers with its input or a canned reply "
    "and the function's log holds 'error running docker'",
    aws_does="runs the handler of the deployed zip with its environment, role, timeout and memory, answers "
    "with its result or FunctionError, and logs START/END/REPORT and what it printed to its log group",
)
def lambda_runs_deployed_code() -> None:
    """Patches moto: Lambda runs the function's deployed code."""
    function_class = moto_name("awslambda.LambdaFunction")
    backend_class = moto_name("awslambda.LambdaBackend")
    simple_backend_class = moto_name("awslambda.LambdaSimpleBackend")

    def invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> bytes:
        event = json.loads(body) if isinstance(body, str | bytes) and body else (body or {})
        kind = _header(request_headers, "X-Amz-Invocation-Type") or "RequestResponse"
        qualifier = versions.current_qualifier()
        if kind == "DryRun":
            return b""
        if kind == "Event":
            # queued: the caller gets 202 at once, the function runs on its own, as on AWS
            threading.Thread(
                target=service.run, args=(self, event), kwargs={"qualifier": qualifier}, daemon=True
            ).start()
            return b""
        invocation = service.run(self, event, qualifier=qualifier)
        if invocation.service_error is not None:
            failure = invocation.service_error
            error = moto_name("core.JsonRESTError")(failure.code, failure.message)
            error.code = failure.status
            raise error
        if invocation.function_error:
            response_headers["x-amz-function-error"] = invocation.function_error
        response_headers["x-amz-executed-version"] = str(self.version)
        response_headers["x-amz-log-result"] = service.log_tail(invocation)
        return invocation.payload

    def with_managed_layers(original_layers: Callable[..., Any]) -> Callable[..., Any]:
        def managed_layers_data(self: Any, arns: list[str]) -> list[dict[str, Any]]:
            managed = [arn for arn in arns if service.managed_layer(arn)]
            rest = (
                original_layers(self, [arn for arn in arns if arn not in managed])
                if len(managed) < len(arns)
                else []
            )
            known = {layer["Arn"]: layer for layer in rest}
            return [known.get(arn, {"Arn": arn, "CodeSize": 0}) for arn in arns]

        return managed_layers_data

    replace(function_class, "invoke", invoke)
    wrap_private_method(function_class, "_get_layers_data", with_managed_layers)
    # the API's invoke (and Step Functions' Lambda task through it) reaches the function, not a canned reply
    replace(simple_backend_class, "invoke", original(backend_class, "invoke"))


@parity_fix(
    "CloudFormation keeps a function's layers",
    moto_does="drops the Layers of an AWS::Lambda::Function, so the CSV writer runs without Powertools "
    "(No module named 'aws_lambda_powertools')",
    aws_does="creates the function with its layers, whose python/ folders the runtime puts on sys.path",
)
def cloudformation_keeps_function_layers() -> None:
    """Patches moto: CloudFormation keeps a function's layers."""
    function_class = moto_name("awslambda.LambdaFunction")
    original_create = original(function_class, "create_from_cloudformation_json")

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        function = original_create(cls, name, template, account_id, region, **kw)
        layers = template["Properties"].get("Layers") or []
        if layers:
            function.layers = layers_data(function, layers)
        return function

    replace_classmethod(function_class, "create_from_cloudformation_json", create)


@parity_fix(
    "CloudFormation keeps a function's architecture",
    moto_does="drops the Architectures of an AWS::Lambda::Function: every function it creates is x86_64",
    aws_does="creates the function on the architecture the template names (arm64 in every lab of the kit)",
)
def cloudformation_keeps_function_architecture() -> None:
    """Patches moto: CloudFormation keeps a function's architecture."""
    function_class = moto_name("awslambda.LambdaFunction")
    original_create = original(function_class, "create_from_cloudformation_json")

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        function = original_create(cls, name, template, account_id, region, **kw)
        architectures = template["Properties"].get("Architectures")
        if architectures:
            function.architectures = list(architectures)
        return function

    replace_classmethod(function_class, "create_from_cloudformation_json", create)


@parity_fix(
    "CloudFormation keeps a function's tags",
    moto_does="drops the Tags of an AWS::Lambda::Function: ListTags answers none, and a policy conditioned "
    "on aws:ResourceTag (the teacher role's lambda:InvokeFunction) could never match",
    aws_does="creates the function with the template's tags (AWS::Lambda::Function: Tags), which ListTags "
    "returns and aws:ResourceTag conditions read (Lambda guide: attribute-based access control)",
)
def cloudformation_keeps_function_tags() -> None:
    """Patches moto: CloudFormation keeps a function's tags."""
    function_class = moto_name("awslambda.LambdaFunction")
    original_create = original(function_class, "create_from_cloudformation_json")

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        function = original_create(cls, name, template, account_id, region, **kw)
        tags = template["Properties"].get("Tags") or []
        function.tags.update({str(tag["Key"]): str(tag.get("Value", "")) for tag in tags})
        return function

    replace_classmethod(function_class, "create_from_cloudformation_json", create)


FIXES: tuple[ParityFix, ...] = (
    lambda_runs_deployed_code,
    lambda_logs_to_configured_log_group,
    cloudformation_keeps_function_layers,
    cloudformation_keeps_function_architecture,
    cloudformation_keeps_function_tags,
)
